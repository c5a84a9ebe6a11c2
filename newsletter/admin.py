from django import forms
from django.contrib import admin, messages
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from articles.exports.admin import ExportPermissionMixin, download
from articles.exports.formats import filename
from articles.models import Article
from articles.publishing.concurrency import EditGuardAdminMixin
from articles.translatable_admin import TranslatableAdminMixin

from . import exports, sending
from .models import Delivery, Mailing, MailingPiece, NewsletterSettings, Subscriber


@admin.register(NewsletterSettings)
class NewsletterSettingsAdmin(TranslatableAdminMixin, EditGuardAdminMixin, admin.ModelAdmin):
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
    list_display = ["email", "status", "created_at", "confirmed_at", "unsubscribed_at", "refused"]
    list_filter = ["status", ("refused_at", admin.EmptyFieldListFilter), "created_at"]
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
        "refused_at",
        "refusal",
    ]
    actions = ["export_selected", "unsubscribe_selected", "clear_refusal"]

    @admin.display(description="Refused by mail server", ordering="refused_at")
    def refused(self, obj):
        return obj.refusal or "—"

    @admin.action(description="Mail again: clear the mail server's refusal", permissions=["change"])
    def clear_refusal(self, request, queryset):
        count = queryset.exclude(refused_at=None).update(refused_at=None, refusal="")
        self.message_user(request, f"{count} address(es) will get mailings again.")

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


# --- Mailings ------------------------------------------------------------------------------

PREFILL_PIECES = 5  # a new mailing starts with the latest published pieces
RECENT_PIECES = 60  # the pieces offered to pick from


class MailingPieceForm(forms.ModelForm):
    class Meta:
        model = MailingPiece
        fields = ["position", "piece"]

    def has_changed(self):
        # A prefilled row counts as chosen while it names a piece (Django would skip it
        # as an untouched extra form); emptied, it is left out.
        if self.instance.pk is None and self.is_bound:
            return bool(self.data.get(self.add_prefix("piece")))
        return super().has_changed()


class MailingPieceInline(admin.TabularInline):
    model = MailingPiece
    form = MailingPieceForm
    extra = 0
    fields = ["position", "piece"]
    verbose_name = "piece"
    verbose_name_plural = "pieces, in the order readers see them (lowest position first)"

    def get_extra(self, request, obj=None, **kwargs):
        return PREFILL_PIECES if obj is None else 0

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # Offered: the recent published pieces, and those this mailing already has.
        recent = Article.objects.published().order_by("-published_at", "-pk")
        offered = Q(pk__in=list(recent.values_list("pk", flat=True)[:RECENT_PIECES]))
        if obj is not None and obj.pk:
            offered |= Q(pk__in=obj.items.values("piece"))
        field = formset.form.base_fields["piece"]
        field.queryset = Article.objects.filter(offered).order_by("-published_at", "-pk")
        return formset

    def _editable(self, obj):
        return obj is None or obj.is_editable

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


@admin.register(Mailing)
class MailingAdmin(admin.ModelAdmin):
    """Compose, preview, test and send a mailing; its send log once it goes out."""

    list_display = ["subject", "status", "send_at", "started_at", "finished_at", "sent_count"]
    list_filter = ["status"]
    search_fields = ["subject"]
    date_hierarchy = "created_at"
    inlines = [MailingPieceInline]
    fields = ["subject", "intro", "send_at", "status", "preview_link", "send_log"]
    readonly_fields = ["status", "preview_link", "send_log"]

    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview_view)
        return [
            path("<int:pk>/preview/", preview, name="newsletter_mailing_preview"),
            *super().get_urls(),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not obj.is_editable:
            return [*self.fields]
        return self.readonly_fields

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, MailingPieceInline) and obj.pk is None and request.method == "GET":
            latest = Article.objects.published().order_by("-published_at", "-pk")
            pieces = latest.values_list("pk", flat=True)[:PREFILL_PIECES]
            kwargs["initial"] = [
                {"piece": pk, "position": position} for position, pk in enumerate(pieces, 1)
            ]
        return kwargs

    @admin.display(description="Sent")
    def sent_count(self, obj):
        return obj.deliveries.filter(status=Delivery.Status.SENT).count() or "—"

    @admin.display(description="Preview")
    def preview_link(self, obj):
        if not obj or not obj.pk:
            return "Save the mailing to preview it."
        url = reverse("admin:newsletter_mailing_preview", args=[obj.pk])
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">As readers see it (HTML)</a> · '
            '<a href="{}?format=text" target="_blank" rel="noopener">plain text</a>',
            url,
            url,
        )

    @admin.display(description="Send log")
    def send_log(self, obj):
        if not obj or obj.status == Mailing.Status.DRAFT:
            return "Not sent yet."
        log = obj.send_log()
        summary = format_html(
            "<p><strong>{}</strong> sent · <strong>{}</strong> failed · <strong>{}</strong> "
            "pending · {} unsubscribed since sending started · {} interrupted (not resent) "
            "· {} cancelled</p>",
            log["sent"],
            log["failed"],
            log["pending"],
            log["unsubscribed_since"],
            log["interrupted"],
            log["cancelled"],
        )
        failures = obj.deliveries.filter(
            status__in=[Delivery.Status.FAILED, Delivery.Status.INTERRUPTED]
        ).select_related("subscriber")[:50]
        rows = format_html_join(
            "",
            "<li>{} — {}</li>",
            ((d.subscriber.email, d.error or d.get_status_display()) for d in failures),
        )
        return format_html("{}<ul>{}</ul>", summary, rows) if failures else summary

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def _act(self, request, obj):
        """The buttons beside Save (templates/admin/newsletter/mailing/change_form.html)."""
        if "_send_test" in request.POST:
            if not request.user.email:
                self.message_user(request, "Your account has no email address.", messages.ERROR)
                return True
            try:
                sending.send_test(obj, request.user.email)
            except Exception as exc:  # the mail server's answer is what the editor needs
                self.message_user(request, f"The test could not be sent: {exc}", messages.ERROR)
            else:
                self.message_user(request, f"A test was sent to {request.user.email}.")
            return True
        if "_send_now" in request.POST or "_schedule" in request.POST:
            if not request.user.has_perm("newsletter.send_mailing"):
                self.message_user(request, "You may not send mailings.", messages.ERROR)
                return True
            at = None
            if "_schedule" in request.POST:
                if not obj.send_at or obj.send_at <= timezone.now():
                    self.message_user(
                        request, "Choose a “send at” time in the future.", messages.ERROR
                    )
                    return True
                at = obj.send_at
            if sending.start(obj, at=at):
                when = "now" if at is None else f"at {timezone.localtime(at):%Y-%m-%d %H:%M}"
                self.message_user(request, f"“{obj}” is being sent {when}.")
            return True
        return False

    def render_change_form(self, request, context, *args, **kwargs):
        context["can_send"] = request.user.has_perm("newsletter.send_mailing")
        return super().render_change_form(request, context, *args, **kwargs)

    def response_add(self, request, obj, post_url_continue=None):
        if self._act(request, obj):
            return redirect("admin:newsletter_mailing_change", obj.pk)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if self._act(request, obj):
            return redirect("admin:newsletter_mailing_change", obj.pk)
        return super().response_change(request, obj)

    def preview_view(self, request, pk):
        mailing = get_object_or_404(Mailing, pk=pk)
        if not self.has_view_permission(request, mailing):
            return HttpResponse(status=403)
        text, html, _ = sending.render_parts(mailing, "#unsubscribe-link-of-each-reader")
        if request.GET.get("format") == "text":
            return HttpResponse(text, content_type="text/plain; charset=utf-8")
        return HttpResponse(html)
