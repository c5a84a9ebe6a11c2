"""Preview links on a piece's admin pages: the list with states and views, create, revoke.

``PreviewLinksAdminMixin`` (in ``PieceAdmin``) adds context and URLs only: the change page
lists the piece's links (``admin/articles/_preview_links.html``); the piece's "Preview links"
page creates one (its full address is shown once, on the answer to the POST, and never
stored) and revokes one with one button. ``PreviewLinkAdmin`` lists every piece's links.
"""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import widgets
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from articles.models import PreviewLink
from articles.models.preview_links import default_expiry
from articles.publishing import preview_links

MAX_LIFETIME_DAYS = 60


class PreviewLinkForm(forms.ModelForm):
    expires_at = forms.SplitDateTimeField(
        label="Expires",
        widget=widgets.AdminSplitDateTime,
        initial=default_expiry,
        help_text=f"Three days from now unless you change it; at most {MAX_LIFETIME_DAYS} days.",
    )

    class Meta:
        model = PreviewLink
        fields = ["recipient_name", "recipient_email", "note", "embargo", "expires_at"]

    def clean_expires_at(self):
        expires_at = self.cleaned_data["expires_at"]
        now = timezone.now()
        if expires_at <= now:
            raise ValidationError("Choose a time still to come.")
        if expires_at > now + timedelta(days=MAX_LIFETIME_DAYS):
            raise ValidationError(f"A preview link lasts at most {MAX_LIFETIME_DAYS} days.")
        return expires_at


class PreviewLinksAdminMixin:
    def _preview_url_name(self, suffix):
        return f"{self.opts.app_label}_{self.opts.model_name}_{suffix}"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/preview-links/",
                view(self.preview_links_view),
                name=self._preview_url_name("preview_links"),
            ),
            path(
                "<path:object_id>/preview-links/<int:link_id>/revoke/",
                view(require_POST(self.revoke_preview_link_view)),
                name=self._preview_url_name("revoke_preview_link"),
            ),
            *super().get_urls(),
        ]

    def may_see_preview_links(self, request, piece):
        return request.user.has_perm("articles.view_previewlink") and self.has_view_permission(
            request, piece
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        piece = self.get_object(request, object_id)
        if piece is not None and self.may_see_preview_links(request, piece):
            extra_context["outsider_links"] = piece.preview_links.for_piece_admin()
            extra_context["outsider_links_url"] = piece.admin_url("preview_links")
        return super().change_view(request, object_id, form_url, extra_context)

    def _piece_for_links(self, request, object_id):
        piece = self.get_object(request, object_id)
        if piece is None or not self.may_see_preview_links(request, piece):
            raise Http404("No such piece.")
        return piece

    def preview_links_view(self, request, object_id):
        piece = self._piece_for_links(request, object_id)
        may_create = request.user.has_perm("articles.add_previewlink")
        form, new_url = None, None
        if may_create:
            form = PreviewLinkForm(request.POST or None)
            if request.method == "POST" and form.is_valid():
                _, token = preview_links.issue(piece, request.user, **form.cleaned_data)
                new_url = request.build_absolute_uri(PreviewLink.path_for(token))
                form = PreviewLinkForm()
        elif request.method == "POST":
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": piece,
            "title": f"Preview links for “{piece}”",
            "links": piece.preview_links.for_piece_admin().prefetch_related("views"),
            "form": form,
            "media": self.media + (form.media if form else forms.Media()),
            "new_url": new_url,
            "may_revoke": request.user.has_perm("articles.change_previewlink"),
            "revoke_url_name": f"admin:{self._preview_url_name('revoke_preview_link')}",
        }
        response = TemplateResponse(request, "admin/articles/preview_links.html", context)
        # The page may show a whole link once: no cache keeps it.
        response["Cache-Control"] = "private, no-store"
        return response

    def revoke_preview_link_view(self, request, object_id, link_id):
        piece = self._piece_for_links(request, object_id)
        if not request.user.has_perm("articles.change_previewlink"):
            raise PermissionDenied
        link = get_object_or_404(piece.preview_links, pk=link_id)
        preview_links.revoke(link, request.user)
        messages.success(request, f"The preview link for {link.recipient_name} no longer works.")
        return redirect(piece.admin_url("preview_links"))


class StateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return PreviewLink.State.choices

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == PreviewLink.State.ACTIVE:
            return queryset.usable(now)
        if self.value() == PreviewLink.State.EXPIRED:
            return queryset.filter(revoked_at=None, expires_at__lte=now)
        if self.value() == PreviewLink.State.REVOKED:
            return queryset.exclude(revoked_at=None)
        return queryset


@admin.register(PreviewLink)
class PreviewLinkAdmin(admin.ModelAdmin):
    """Every piece's links in one list, to find a recipient's links and revoke them at once.

    Links are made on their piece's page; here they are read and revoked only.
    """

    list_display = ["recipient_name", "recipient_email", "piece", "state_label", "expires_at"]
    list_filter = [StateFilter, "created_at"]
    list_select_related = ["piece"]
    search_fields = ["recipient_name", "recipient_email", "note", "piece__title"]
    date_hierarchy = "created_at"
    fields = ["piece", "recipient_name", "recipient_email", "note", "embargo", "expires_at"]
    actions = ["revoke_links"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_revoke_permission(self, request):
        return request.user.has_perm("articles.change_previewlink")

    @admin.display(description="State")
    def state_label(self, obj):
        return obj.state.label

    @admin.action(description="Revoke the selected links", permissions=["revoke"])
    def revoke_links(self, request, queryset):
        links = list(queryset.filter(revoked_at=None).select_related("piece"))
        for link in links:
            preview_links.revoke(link, request.user)
        self.message_user(request, f"{len(links)} preview link(s) revoked.", messages.SUCCESS)
