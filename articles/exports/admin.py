"""Admin side of exports: the article list as CSV, XLSX or JSON, and the donor report pages.

Thin adapters over ``exports`` and ``reports``. The list export reuses the changelist itself,
so it holds exactly what the editor sees (filters, search, date hierarchy, ordering); the
actions export the selected rows. Only users with ``articles.export_articles`` may export
(others get 403) and every export is written to the admin log.
"""

from datetime import date, timedelta
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from articles.exports import rows
from articles.funding import reports

EXPORT_PERMISSION = "articles.export_articles"


def has_export_permission(request):
    return (
        request.user.is_active
        and request.user.is_staff
        and request.user.has_perm(EXPORT_PERMISSION)
    )


def download(chunks, fmt, stem):
    """A streaming download of export ``chunks``."""
    response = StreamingHttpResponse(chunks, content_type=rows.FORMATS[fmt].content_type)
    response["Content-Disposition"] = f'attachment; filename="{rows.filename(stem, fmt)}"'
    response["Cache-Control"] = "private, no-store"
    return response


def log_export(request, model, message):
    """Record an export in the admin log ("Recent actions" and the LogEntry table)."""
    LogEntry.objects.create(
        user_id=request.user.pk,
        content_type_id=ContentType.objects.get_for_model(model, for_concrete_model=False).pk,
        object_repr=message[:200],
        action_flag=ADDITION,
        change_message=message,
    )


def site_url(request):
    return request.build_absolute_uri("/")


class ExportMixin:
    """For a piece ``ModelAdmin``: export links above the list, and "export selected" actions."""

    change_list_template = "admin/articles/export_change_list.html"

    def has_export_permission(self, request):
        """The dedicated permission, on top of seeing the list at all."""
        return has_export_permission(request) and self.has_view_or_change_permission(request)

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_export"
        return [
            path(
                "export/<str:fmt>/",
                self.admin_site.admin_view(self.export_view),
                name=name,
            ),
            *super().get_urls(),
        ]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if actions is not None and self.has_export_permission(request):
            for fmt in rows.FORMATS:
                name = f"export_selected_{fmt}"
                actions[name] = (
                    self._export_action(fmt),
                    name,
                    f"Export selected %(verbose_name_plural)s as {fmt.upper()}",
                )
        return actions

    def _export_action(self, fmt):
        def action(modeladmin, request, queryset):
            if not self.has_export_permission(request):
                raise PermissionDenied
            return self.export_response(request, queryset, fmt, "the selected rows")

        return action

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "has_export_permission": self.has_export_permission(request),
            "export_formats": list(rows.FORMATS),
        }
        return super().changelist_view(request, extra_context)

    def export_view(self, request, fmt):
        if not self.has_export_permission(request):
            raise PermissionDenied
        if fmt not in rows.FORMATS:
            raise Http404("Unknown export format")
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            messages.error(request, "The list's filters were not valid; nothing was exported.")
            return redirect(
                reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
            )
        query = request.GET.urlencode()
        where = f"the list as filtered ({query})" if query else "the whole list"
        return self.export_response(request, changelist.queryset, fmt, where)

    def export_response(self, request, queryset, fmt, where):
        count = queryset.count()
        noun = self.opts.verbose_name if count == 1 else self.opts.verbose_name_plural
        log_export(request, self.model, f"Exported {count} {noun} as {fmt.upper()} from {where}.")
        chunks = rows.export(queryset, fmt, base_url=site_url(request))
        return download(chunks, fmt, self.opts.verbose_name_plural.replace(" ", "-"))


# --- Donor reports ----------------------------------------------------------------------------


class ReportPeriodForm(forms.Form):
    # type="date" inputs only take ISO dates, whatever the admin's locale
    since = forms.DateField(
        label="From", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    until = forms.DateField(
        label="To", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until:
            if until < since:
                raise forms.ValidationError("The end of the period is before its start.")
            if reports.count_months(since, until) > reports.MAX_MONTHS:
                raise forms.ValidationError(
                    f"Choose a period of at most {reports.MAX_MONTHS // 12} years."
                )
        return cleaned


def default_period(project, today=None):
    """The project's dates up to today; the last twelve months for all projects."""
    today = today or timezone.localdate()
    year_ago = (
        date(today.year - 1, today.month + 1, 1) if today.month < 12 else date(today.year, 1, 1)
    )
    if project is None:
        return year_ago, today
    until = project.ends_on if project.ends_on and project.ends_on < today else today
    since = project.starts_on or year_ago
    return since, max(since, until)


REPORT_DOWNLOADS = {
    "table.csv": "csv",
    "report.xlsx": "xlsx",
    "publications.csv": "csv",
}


class DonorReportMixin:
    """For the funding project ``ModelAdmin``: a donor report per project and for all."""

    change_form_template = "admin/articles/report_change_form.html"
    change_list_template = "admin/articles/report_change_list.html"

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view(self.report_view)
        return [
            path("report/", view, name=f"{prefix}_report_all"),
            path("<path:object_id>/report/", view, name=f"{prefix}_report"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "has_export_permission": self.has_report_permission(request),
        }
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "has_export_permission": self.has_report_permission(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def has_report_permission(self, request):
        """The export permission, on top of seeing the projects at all."""
        return has_export_permission(request) and self.has_view_or_change_permission(request)

    def report_view(self, request, object_id=None):
        if not self.has_report_permission(request):
            raise PermissionDenied
        project = None
        if object_id is not None:
            project = self.get_object(request, unquote(object_id))
            if project is None:
                raise Http404("No such funding project")
        since, until = default_period(project)
        bound = "since" in request.GET or "until" in request.GET
        form = ReportPeriodForm(
            request.GET if bound else None, initial={"since": since, "until": until}
        )
        report = None
        if not bound or form.is_valid():
            if bound:
                since, until = form.cleaned_data["since"], form.cleaned_data["until"]
            report = reports.build_report(project, since, until)
        download_name = request.GET.get("download")
        if download_name:
            if download_name not in REPORT_DOWNLOADS:
                raise Http404("Unknown download")
            if report is None:
                messages.error(request, "Choose a valid period first; nothing was downloaded.")
                return redirect(request.path)
            return self._report_download(request, report, download_name)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": report.title if report else "Donor report",
            "project": project,
            "form": form,
            "report": report,
            "chart": reports.bar_chart_svg(report) if report else "",
            "query": f"since={since.isoformat()}&until={until.isoformat()}",
            "list_query": report and self._list_query(report),
        }
        return TemplateResponse(request, "admin/articles/donor_report.html", context)

    def _list_query(self, report):
        """The article list, filtered to the report's publications (as far as filters go)."""
        query = {
            "status__exact": "published",
            "published_at__gte": report.since.isoformat(),
            "published_at__lt": (report.until + timedelta(days=1)).isoformat(),
        }
        if report.project:
            query["projects__id__exact"] = report.project.pk
        return urlencode(query)

    def _report_download(self, request, report, name):
        fmt = REPORT_DOWNLOADS[name]
        base_url = site_url(request)
        if name == "table.csv":
            chunks = rows.write_csv(report.columns(), report.rows(), bom=True)
        elif name == "report.xlsx":
            chunks = rows.write_xlsx_sheets(reports.report_sheets(report, base_url))
        else:
            chunks = rows.export(report.publications(), "csv", base_url=base_url, bom=True)
        log_export(request, self.model, f"Downloaded {name} of the report: {report.title}.")
        stem = f"donor-report-{report.project.slug if report.project else 'all-projects'}"
        stem += f"-{report.since.isoformat()}-{report.until.isoformat()}"
        if name == "publications.csv":
            stem += "-publications"
        response = StreamingHttpResponse(chunks, content_type=rows.FORMATS[fmt].content_type)
        response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
        response["Cache-Control"] = "private, no-store"
        return response
