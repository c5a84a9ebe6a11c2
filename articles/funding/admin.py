"""Funding in the admin: programmes, funders and projects, the donor report of a project (or
of all projects), and the warning editors get when a piece falls outside its projects' dates.

The report pages are thin adapters over ``articles.funding.reports``; who may see them is the
one export check (``ExportPermissionMixin``), and every download is written to the admin log.
The project list and form find their templates by Django's own lookup
(``admin/articles/fundingproject/``): the mixin adds context and URLs only.
"""

from datetime import timedelta
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from articles.exports import formats
from articles.exports.admin import ExportPermissionMixin, download, log_export, site_url
from articles.funding import reports
from articles.models import Funder, FundingProject, Programme
from articles.publishing.concurrency import EditGuardAdminMixin
from articles.slug_notice import SlugNoticeAdminMixin
from articles.translatable_admin import TranslatableAdminMixin


class FundingWarningsMixin:
    """After a piece and its projects are saved, show ``Article.funding_warnings()`` as admin
    warnings. A warning, not a refusal: late or backdated pieces are sometimes right."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        newly_published = not change or "status" in form.changed_data
        for warning in form.instance.funding_warnings(newly_published=newly_published):
            self.message_user(request, warning, messages.WARNING)


class ReportPeriodForm(forms.Form):
    # type="date" inputs only take ISO dates, whatever the admin's locale
    since = forms.DateField(
        label="From", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    until = forms.DateField(
        label="To", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    grain = forms.ChoiceField(
        label="Per",
        required=False,
        choices=[("", "the period’s length (automatic)")]
        + [(name, name) for name in reports.GRAINS],
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


REPORT_DOWNLOADS = {
    "table.csv": "csv",
    "report.xlsx": "xlsx",
    "publications.csv": "csv",
}


class DonorReportMixin(ExportPermissionMixin):
    """For the funding project ``ModelAdmin``: a donor report per project and for all."""

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
            "has_export_permission": self.has_export_permission(request),
        }
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "has_export_permission": self.has_export_permission(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def report_view(self, request, object_id=None):
        self.check_export_permission(request)
        project = None
        if object_id is not None:
            project = self.get_object(request, unquote(object_id))
            if project is None:
                raise Http404("No such funding project")
        since, until = reports.default_period(project)
        grain = ""
        bound = "since" in request.GET or "until" in request.GET
        form = ReportPeriodForm(
            request.GET if bound else None, initial={"since": since, "until": until}
        )
        report = None
        if not bound or form.is_valid():
            if bound:
                since, until = form.cleaned_data["since"], form.cleaned_data["until"]
                grain = form.cleaned_data["grain"]
            report = reports.build_report(project, since, until, grain or None)
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
            "chart": reports.bar_chart(report) if report else None,
            "query": urlencode(
                {"since": since.isoformat(), "until": until.isoformat(), "grain": grain}
            ),
            "list_query": report and self._list_query(report),
        }
        return TemplateResponse(request, "admin/articles/fundingproject/report.html", context)

    def _list_query(self, report):
        """The article list, filtered to the report's publications: the list's state filter
        (published and live, as the report counts them) and the period."""
        query = {
            "state": "live",
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
            chunks = formats.write_csv(report.columns(), report.rows())
        elif name == "report.xlsx":
            chunks = formats.write_xlsx_sheets(reports.report_sheets(report, base_url))
        else:
            chunks = formats.export(report.publications(), "csv", base_url=base_url)
        log_export(request, self.model, f"Downloaded {name} of the report: {report.title}.")
        stem = f"donor-report-{report.project.slug if report.project else 'all-projects'}"
        stem += f"-{report.since.isoformat()}-{report.until.isoformat()}"
        if name == "publications.csv":
            stem += "-publications"
        return download(chunks, fmt, f"{stem}.{fmt}")


@admin.register(Programme)
class ProgrammeAdmin(
    TranslatableAdminMixin, SlugNoticeAdminMixin, EditGuardAdminMixin, admin.ModelAdmin
):
    list_display = ["name", "organisation"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Funder)
class FunderAdmin(
    TranslatableAdminMixin, SlugNoticeAdminMixin, EditGuardAdminMixin, admin.ModelAdmin
):
    list_display = ["name", "url"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(FundingProject)
class FundingProjectAdmin(
    TranslatableAdminMixin,
    SlugNoticeAdminMixin,
    DonorReportMixin,
    EditGuardAdminMixin,
    admin.ModelAdmin,
):
    list_display = ["name", "programme", "starts_on", "ends_on"]
    list_filter = ["programme", "funders"]
    search_fields = ["name", "funders__name"]
    autocomplete_fields = ["funders", "programme"]
    prepopulated_fields = {"slug": ["name"]}
