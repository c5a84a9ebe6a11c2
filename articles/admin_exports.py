"""Admin side of exports: the article list as CSV, XLSX or JSON, and the donor report pages.

Thin adapters over ``exports`` and ``reports``. The list export reuses the changelist itself,
so it holds exactly what the editor sees (filters, search, date hierarchy, ordering); the
actions export the selected rows. Only users with ``articles.export_articles`` may export
(others get 403) and every export is written to the admin log.
"""

from django.contrib import messages
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse

from . import exports

EXPORT_PERMISSION = "articles.export_articles"


def has_export_permission(request):
    return (
        request.user.is_active
        and request.user.is_staff
        and request.user.has_perm(EXPORT_PERMISSION)
    )


def download(chunks, fmt, stem):
    """A streaming download of export ``chunks``."""
    response = StreamingHttpResponse(chunks, content_type=exports.FORMATS[fmt].content_type)
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(stem, fmt)}"'
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
        return has_export_permission(request)

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
            for fmt in exports.FORMATS:
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
            "export_formats": list(exports.FORMATS),
        }
        return super().changelist_view(request, extra_context)

    def export_view(self, request, fmt):
        if not self.has_export_permission(request):
            raise PermissionDenied
        if fmt not in exports.FORMATS:
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
        log_export(
            request,
            self.model,
            f"Exported {count} {self.opts.verbose_name_plural} as {fmt.upper()} from {where}.",
        )
        chunks = exports.export(queryset, fmt, base_url=site_url(request))
        return download(chunks, fmt, self.opts.verbose_name_plural.replace(" ", "-"))
