"""The admin of pen names: the sealed records behind them, and what the person form shows.

Only users with ``articles.open_sealedidentity`` (Administrators, kazcms/roles.py) see the
sealed records at all: not in the menu, not in a list, not by address. Opening one (its change
page) is written to the audit trail. Everyone else sees on the person form only that a name is
a pen name. The list and search name the pen name only, so an opening is always audited.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from articles.client_address import client_ip
from articles.models import AuditEvent, SealedIdentity
from articles.models.identity import OPEN_PERMISSION
from articles.publishing.concurrency import EditGuardAdminMixin


def may_open(request):
    return request.user.is_active and request.user.has_perm(OPEN_PERMISSION)


def record(action, request, record):
    """Who opened or saved which record, from where; the pen name only, never what is sealed."""
    detail = f"of pen name {record.person.name!r}; from {client_ip(request)}"
    return AuditEvent.objects.create(action=action, user=request.user, detail=detail[:500])


class PenNameAdminMixin:
    """For the person admin: the "pen name" mark for all, the way to the record for few."""

    def get_list_display(self, request):
        return [*super().get_list_display(request), "is_pen_name"]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), "is_pen_name"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.is_pen_name and may_open(request):
            fields.append("sealed_record")
        return fields

    @admin.display(description="Sealed identity")
    def sealed_record(self, obj):
        record = SealedIdentity.objects.filter(person=obj).only("pk").first()
        if record is None:
            return format_html(
                '<a href="{}?person={}">Record who is behind this pen name</a>',
                reverse("admin:articles_sealedidentity_add"),
                obj.pk,
            )
        return format_html(
            '<a href="{}">Open the sealed identity</a> (the opening is audited)',
            reverse("admin:articles_sealedidentity_change", args=[record.pk]),
        )


@admin.register(SealedIdentity)
class SealedIdentityAdmin(EditGuardAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "updated_at", "updated_by"]
    list_select_related = ["person", "updated_by"]
    # The pen name only: a search by real name would answer who it is without an opening.
    search_fields = ["person__name"]
    autocomplete_fields = ["person"]
    fields = ["person", "real_name", "contact", "notes"]
    view_on_site = False

    def has_module_permission(self, request):
        return may_open(request)

    def has_view_permission(self, request, obj=None):
        return may_open(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return may_open(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return may_open(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return may_open(request) and super().has_delete_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            opened = self.get_object(request, object_id)
            if opened is not None:
                record(AuditEvent.Action.IDENTITY_OPENED, request, opened)
        return response

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
        record(AuditEvent.Action.IDENTITY_SEALED, request, obj)
