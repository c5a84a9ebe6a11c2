"""The photo library in the admin: the photo admin, and the lead-photo chooser pieces use.

Thumbnails come from the photo's prebuilt renditions (``photos/renditions.py``); nothing is
resized while a page renders. The chooser is Django's autocomplete plus a little static JS
that shows each photo's thumbnail and credit (no build step).
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from articles.models import Photo
from articles.photos import picker, renditions, uploads
from articles.publishing import rules
from articles.publishing.concurrency import EditGuardAdminMixin


def rendition_state(photo, reason=False):
    """ "Processing…" or the failure (with its reason), for a photo without a preview yet."""
    if photo.rendition_error:
        if reason:
            return format_html("<strong>Renditions failed.</strong> {}", photo.rendition_error)
        return format_html("<strong>Renditions failed</strong>")
    if photo.is_processing:
        return format_html('<span class="photo-processing">Processing…</span>')
    return ""


def thumbnail(photo, size=80):
    """A small square preview of a photo for lists and forms (its thumb rendition)."""
    if not photo or not photo.image:
        return "—"
    if not photo.thumb_url:  # never the original: it may be 25 MB
        return rendition_state(photo) or "—"
    return format_html(
        '<img src="{}" alt="{}" width="{}" height="{}" style="object-fit:cover">',
        photo.thumb_url,
        photo.alt_text,
        size,
        size,
    )


ADMIN_JQUERY = [
    f"admin/js/vendor/jquery/jquery{'' if settings.DEBUG else '.min'}.js",
    "admin/js/jquery.init.js",
]


class PhotoAutocompleteView(AutocompleteJsonView):
    """The admin autocomplete, with each photo's thumbnail and credit for the chooser."""

    def serialize_result(self, obj, to_field_name):
        return {
            **super().serialize_result(obj, to_field_name),
            "thumb": obj.thumb_url,
            "credit": obj.credit,
        }


class PhotoAutocompleteSelect(AutocompleteSelect):
    """Lead photo chooser: autocomplete showing thumbnails (static JS, no build step)."""

    url_name = "%s:articles_photo_autocomplete"

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-photo-thumbs"] = "1"
        attrs.setdefault("style", "width: 34em")  # room for a thumbnail, caption and credit
        return attrs

    def optgroups(self, name, value, attr=None):
        groups = super().optgroups(name, value, attr)
        options = [option for _, group, _ in groups for option in group if option["value"]]
        photos = Photo.objects.in_bulk([option["value"] for option in options])
        for option in options:
            if photo := photos.get(option["value"]):
                option["attrs"]["data-thumb"] = photo.thumb_url
        return groups

    @property
    def media(self):
        # Listing Django's scripts first makes the media merge load ours after them.
        return super().media + forms.Media(
            js=[*ADMIN_JQUERY, "admin/js/autocomplete.js", "articles/photo_admin.js"],
            css={"all": ["articles/photo_admin.css"]},
        )


class PhotoForm(forms.ModelForm):
    def clean_image(self):
        image = self.cleaned_data.get("image")
        if isinstance(image, UploadedFile):  # a new file, to be written to the storage
            reason = uploads.storage_problem(self.instance.image.storage)
            if reason:
                raise forms.ValidationError(
                    uploads.STORAGE_UNWRITABLE.format(reason=reason), code="storage"
                )
        return image


@admin.register(Photo)
class PhotoAdmin(EditGuardAdminMixin, admin.ModelAdmin):
    form = PhotoForm
    list_display = [
        "preview",
        "__str__",
        "credit_display",
        "alt_text",
        "use_count",
        "uploaded_at",
    ]
    list_display_links = ["preview", "__str__"]
    list_filter = [("credit_person", admin.RelatedOnlyFieldListFilter), "uploaded_at", "licence"]
    search_fields = [
        "caption",
        "alt_text",
        "credit_text",
        "credit_person__name",
        "copyright_holder",
        "original_filename",
    ]
    search_help_text = "Search captions, alt text, credits, copyright holders and file names."
    autocomplete_fields = ["credit_person"]
    list_select_related = ["credit_person"]
    list_per_page = 50
    readonly_fields = [
        "preview_large",
        "where_used",
        "original_filename",
        "width",
        "height",
        "uploaded_at",
        "rendition_summary",
    ]
    date_hierarchy = "uploaded_at"
    fieldsets = [
        (None, {"fields": ["image", "preview_large", "caption", "alt_text"]}),
        (
            "Credit and rights",
            {"fields": ["credit_person", "credit_text", "copyright_holder", "licence"]},
        ),
        (
            "Cropping",
            {
                "fields": [("focal_x", "focal_y")],
                "description": "Click the subject in the preview above, or type the percentages.",
            },
        ),
        ("Where used", {"fields": ["where_used"]}),
        (
            "File",
            {
                "fields": [
                    "original_filename",
                    ("width", "height"),
                    "uploaded_at",
                    "rendition_summary",
                ],
                "classes": ["collapse"],
            },
        ),
    ]

    class Media:
        js = [*ADMIN_JQUERY, "articles/photo_admin.js"]
        css = {"all": ["articles/photo_admin.css"]}

    def get_urls(self):
        view = self.admin_site.admin_view(PhotoAutocompleteView.as_view(admin_site=self.admin_site))
        return [
            path("autocomplete/", view, name="articles_photo_autocomplete"),
            path(
                "pick/",
                self.admin_site.admin_view(picker.picker_view(self)),
                name="articles_photo_pick",
            ),
            *super().get_urls(),
        ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).annotate(use_count=Count("articles"))
        return queryset.order_by(*Photo._meta.ordering)  # GROUP BY drops the default order

    @admin.display(description="Preview")
    def preview(self, obj):
        return thumbnail(obj)

    @admin.display(description="Preview")
    def preview_large(self, obj):
        if not obj or not obj.image:
            return "—"
        url = renditions.url_of(obj, "full", 400)
        if not url:
            return rendition_state(obj, reason=True) or "—"
        return format_html(
            '<div class="photo-focal" data-focal-x="{}" data-focal-y="{}">'
            '<img src="{}" alt="{}" width="400" style="height:auto">'
            '<span class="photo-focal-mark" style="left:{}%;top:{}%" aria-hidden="true"></span>'
            "</div>",
            obj.focal_x,
            obj.focal_y,
            url,
            obj.alt_text,
            obj.focal_x,
            obj.focal_y,
        )

    @admin.display(description="Credit", ordering="credit_person__name")
    def credit_display(self, obj):
        return obj.credit

    @admin.display(description="Used in", ordering="use_count")
    def use_count(self, obj):
        return obj.use_count or "—"

    def get_object(self, request, object_id, from_field=None):
        photo = super().get_object(request, object_id, from_field)
        if photo is not None:
            photo.viewer = request.user  # "Used by" lists only what they may open
        return photo

    def _uses_seen_by(self, photo):
        """(the ``(piece, how)`` uses of ``photo`` its viewer may see, how many other pieces
        use it)."""
        if not photo.pk:
            return [], 0
        uses = photo.uses()
        viewer = getattr(photo, "viewer", None)
        seen = [(p, how) for p, how in uses if viewer is None or rules.can_view(viewer, p)]
        return seen, len({p.pk for p, _ in uses} - {p.pk for p, _ in seen})

    @admin.display(description="Used by")
    def where_used(self, obj):
        uses, others = self._uses_seen_by(obj)
        if not uses and not others:
            return "Not used by any piece yet."
        items = format_html_join(
            "",
            '<li><a href="{}">{}</a> ({}, {})</li>',
            (
                (
                    reverse("admin:articles_article_change", args=[piece.pk]),
                    piece.title,
                    piece.get_status_display(),
                    how,
                )
                for piece, how in uses
            ),
        )
        if others:
            # Other people's drafts stay private: their titles and states are not shown.
            items += format_html("<li>{} other piece(s) you cannot open</li>", others)
        return format_html('<ul class="photo-where-used">{}</ul>', items)

    @admin.display(description="Renditions")
    def rendition_summary(self, obj):
        files = (obj.renditions or {}).get("files", [])
        if obj.rendition_error:
            return format_html(
                "{} The photo keeps its placeholder on pages; save it again or run "
                "manage.py rebuild_renditions --photo {} to retry.",
                obj.rendition_error,
                obj.pk,
            )
        if obj.is_processing:
            return "Processing: a background worker is building them."
        if not files:
            return "None yet: run manage.py rebuild_renditions."
        return ", ".join(f"{f['group']} {f['width']}×{f['height']} {f['format']}" for f in files)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.rendition_error:
            self.message_user(
                request,
                f"The photo's sizes could not be built. {obj.rendition_error}",
                messages.ERROR,
            )
        for label, value in getattr(obj, "prefilled", []):
            self.message_user(
                request,
                f"The {label} was filled in from the photo's own details: “{value}”. "
                "Check it before the photo is published.",
                messages.WARNING,
            )

    def delete_view(self, request, object_id, extra_context=None):
        photo = self.get_object(request, unquote(object_id))
        if photo is not None and (refusal := self._deletion_refusal(photo)):
            self.message_user(request, refusal, messages.ERROR)
            return redirect("admin:articles_photo_change", photo.pk)
        return super().delete_view(request, object_id, extra_context)

    def _deletion_refusal(self, photo):
        uses, others = self._uses_seen_by(photo)
        titles = sorted({piece.title for piece, _ in uses})
        if others:
            titles.append(f"{others} other piece(s)")
        if not titles:
            return ""
        return format_html(
            "This photo cannot be deleted: it is the lead photo of, or shown in the text of, {}. "
            "Choose another photo for {} first.",
            ", ".join(f"“{title}”" for title in titles),
            "that piece" if len(titles) == 1 else "those pieces",
        )

    def delete_queryset(self, request, queryset):
        for photo in queryset:  # one by one, so each photo's files go too
            photo.delete()
