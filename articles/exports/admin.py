"""Admin side of exports: who may export, the download response, and the article-list export.

Thin adapters over ``articles.exports``. ``ExportPermissionMixin.has_export_permission`` is the
one "may export" check: the article list, the donor report and the newsletter's subscriber
list all ask it (Django's admin actions with ``permissions=["export"]`` ask it too). The list
export reuses the changelist itself, so it holds exactly what the editor sees (filters, search,
date hierarchy, ordering); the actions export the selected rows. Every export is written to
the admin log.
"""

from django.contrib import messages
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse

from articles.exports import formats


class ExportPermissionMixin:
    """For a ``ModelAdmin`` whose rows staff may download: ``export_permission`` names the
    permission needed on top of seeing the list at all."""

    export_permission = "articles.export_articles"

    def has_export_permission(self, request):
        user = request.user
        return (
            user.is_active
            and user.is_staff
            and user.has_perm(self.export_permission)
            and self.has_view_or_change_permission(request)
        )

    def check_export_permission(self, request):
        if not self.has_export_permission(request):
            raise PermissionDenied


def download(chunks, fmt, filename):
    """A streaming download of export ``chunks``, kept out of shared caches."""
    response = StreamingHttpResponse(chunks, content_type=formats.FORMATS[fmt].content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
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


class ExportMixin(ExportPermissionMixin):
    """For a piece ``ModelAdmin``: export links above the list (the change list template
    includes ``admin/articles/_export_tools.html``), and "export selected" actions."""

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
            for fmt in formats.FORMATS:
                name = f"export_selected_{fmt}"
                actions[name] = (
                    self._export_action(fmt),
                    name,
                    f"Export selected %(verbose_name_plural)s as {fmt.upper()}",
                )
        return actions

    def _export_action(self, fmt):
        def action(modeladmin, request, queryset):
            self.check_export_permission(request)
            return self.export_response(request, queryset, fmt, "the selected rows")

        return action

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "has_export_permission": self.has_export_permission(request),
            "export_formats": list(formats.FORMATS),
        }
        return super().changelist_view(request, extra_context)

    def export_view(self, request, fmt):
        self.check_export_permission(request)
        if fmt not in formats.FORMATS:
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
        chunks = formats.export(queryset, fmt, base_url=site_url(request))
        stem = self.opts.verbose_name_plural.replace(" ", "-")
        return download(chunks, fmt, formats.filename(stem, fmt))
