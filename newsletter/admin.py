from django.contrib import admin
from django.shortcuts import redirect
from django.urls import path

from articles.exports.admin import ExportPermissionMixin, download
from articles.exports.formats import filename
from articles.publishing.concurrency import EditGuardAdminMixin

from . import exports
from .models import NewsletterSettings, Subscriber


@admin.register(NewsletterSettings)
class NewsletterSettingsAdmin(EditGuardAdminMixin, admin.ModelAdmin):
    """The newsletter's name and call box text: one row, edited in place."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        texts, _ = NewsletterSettings.objects.get_or_create(pk=1)
        return redirect("admin:newsletter_newslettersettings_change", texts.pk)


@admin.register(Subscriber)
class SubscriberAdmin(ExportPermissionMixin, admin.ModelAdmin):
    export_permission = "newsletter.export_subscribers"
    list_display = ["email", "status", "created_at", "confirmed_at", "unsubscribed_at"]
    list_filter = ["status", "created_at", "confirmed_at"]
    search_fields = ["email"]
    date_hierarchy = "created_at"
    # Only the reader's own clicks confirm an address; staff can unsubscribe or delete one.
    readonly_fields = [
        "email",
        "status",
        "created_at",
        "confirmation_sent_at",
        "confirmed_at",
        "unsubscribed_at",
    ]
    actions = ["export_selected", "unsubscribe_selected"]

    def has_add_permission(self, request):
        # Addresses come in through double opt-in only: staff cannot vouch for consent.
        return False

    def get_urls(self):
        export = self.admin_site.admin_view(self.export_view)
        return [
            path("export/", export, name="newsletter_subscriber_export"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_export": self.has_export_permission(request),
        }
        return super().changelist_view(request, extra_context)

    def _export(self, request, subscribers):
        self.check_export_permission(request)
        chunks = exports.subscriber_csv(subscribers, request.build_absolute_uri)
        return download(chunks, "csv", filename("frontline-updates-subscribers", "csv"))

    def export_view(self, request):
        """All confirmed subscribers as CSV."""
        return self._export(request, Subscriber.objects.all())

    @admin.action(
        description="Export selected confirmed subscribers (CSV)",
        permissions=["export"],
    )
    def export_selected(self, request, queryset):
        return self._export(request, queryset)

    @admin.action(description="Unsubscribe selected addresses", permissions=["change"])
    def unsubscribe_selected(self, request, queryset):
        count = 0
        for subscriber in queryset.exclude(status=Subscriber.Status.UNSUBSCRIBED):
            subscriber.unsubscribe()
            count += 1
        self.message_user(request, f"{count} address(es) unsubscribed.")
