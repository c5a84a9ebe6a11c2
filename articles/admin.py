from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.db.models import Count
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from articles.exports.admin import ExportMixin

# Importing the funding admin registers programmes, funders and projects too.
from articles.funding.admin import FundingWarningsMixin
from articles.models import (
    Article,
    Person,
    Photo,
    Region,
    RelatedArticle,
    SiteSettings,
    Topic,
)
from articles.photos import renditions
from articles.publishing.admin import CorrectionInline, WorkflowAdminMixin, WorkflowFormMixin
from articles.publishing.concurrency import EditGuardAdminMixin


def thumbnail(photo, size=80):
    """A small square preview of a photo for lists and forms (its thumb rendition)."""
    if not photo or not photo.image:
        return "—"
    return format_html(
        '<img src="{}" alt="{}" width="{}" height="{}" style="object-fit:cover">',
        photo.thumb_url,
        photo.alt_text,
        size,
        size,
    )


@admin.register(Person)
class PersonAdmin(EditGuardAdminMixin, admin.ModelAdmin):
    list_display = ["name", "role"]
    search_fields = ["name", "role"]
    prepopulated_fields = {"slug": ["name"]}


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


@admin.register(Photo)
class PhotoAdmin(EditGuardAdminMixin, admin.ModelAdmin):
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
        url = renditions.url_of(obj, "full", 400) or obj.image.url
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

    @admin.display(description="Lead photo of")
    def where_used(self, obj):
        pieces = list(obj.articles.order_by("-published_at", "title")) if obj.pk else []
        if not pieces:
            return "Not used by any piece yet."
        items = format_html_join(
            "",
            '<li><a href="{}">{}</a> ({})</li>',
            (
                (
                    reverse("admin:articles_article_change", args=[piece.pk]),
                    piece.title,
                    piece.get_status_display(),
                )
                for piece in pieces
            ),
        )
        return format_html('<ul class="photo-where-used">{}</ul>', items)

    @admin.display(description="Renditions")
    def rendition_summary(self, obj):
        files = (obj.renditions or {}).get("files", [])
        if not files:
            return "None yet: run manage.py rebuild_renditions."
        return ", ".join(f"{f['group']} {f['width']}×{f['height']} {f['format']}" for f in files)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
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
        titles = list(photo.articles.order_by("title").values_list("title", flat=True))
        if not titles:
            return ""
        return format_html(
            "This photo cannot be deleted: it is the lead photo of {}. "
            "Choose another lead photo for {} first.",
            ", ".join(f"“{title}”" for title in titles),
            "that piece" if len(titles) == 1 else "those pieces",
        )

    def delete_queryset(self, request, queryset):
        for photo in queryset:  # one by one, so each photo's files go too
            photo.delete()


@admin.register(Region, Topic)
class VocabularyAdmin(EditGuardAdminMixin, admin.ModelAdmin):
    """The two tag vocabularies: searched by the article form's autocompletes."""

    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(SiteSettings)
class SiteSettingsAdmin(EditGuardAdminMixin, admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        settings_row, _ = SiteSettings.objects.get_or_create(pk=1)
        return redirect("admin:articles_sitesettings_change", settings_row.pk)


class TagAutocompleteFormMixin(forms.ModelForm):
    """Regions and topics chosen by autocomplete from their vocabularies, not typed free-form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, model in (("regions", Region), ("topics", Topic)):
            if name in self.fields:
                self.fields[name] = forms.ModelMultipleChoiceField(
                    queryset=model.objects.all(),
                    required=False,
                    label=name.capitalize(),
                    help_text=f"Type to search. New {name} are added under Newsroom › {name}.",
                    widget=AutocompleteSelectMultiple(Article._meta.get_field(name), admin.site),
                    initial=self.initial.get(name),
                )
                if self.instance.pk and not self.is_bound:
                    self.initial[name] = [tag.pk for tag in getattr(self.instance, name).all()]


class RelatedArticleInline(admin.TabularInline):
    model = RelatedArticle
    fk_name = "from_article"
    extra = 0
    autocomplete_fields = ["to_article"]
    fields = ["to_article", "position"]
    verbose_name_plural = "related pieces (shown in this order)"


class PieceForm(WorkflowFormMixin, TagAutocompleteFormMixin):
    """The piece form: tag autocompletes, plus the workflow's stale-edit and role checks."""


class PieceAdmin(FundingWarningsMixin, WorkflowAdminMixin, admin.ModelAdmin):
    """What article and interview editing share: one form, the lead photo, tags, projects."""

    form = PieceForm
    list_display = [
        "preview",
        "title",
        "kind",
        "state",
        "published_at",
        "programme",
        "author_names",
    ]
    list_display_links = ["title"]
    list_filter = [
        "status",
        "kind",
        "programme",
        "projects",
        "projects__funders",
        ("regions", admin.RelatedOnlyFieldListFilter),
        ("topics", admin.RelatedOnlyFieldListFilter),
        "published_at",
    ]
    list_select_related = ["lead_photo", "programme"]
    search_fields = ["title", "standfirst", "slug"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["authors", "lead_photo", "programme", "projects"]
    readonly_fields = ["lead_photo_preview", "created_at", "updated_at"]
    inlines = [RelatedArticleInline, CorrectionInline]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["title", "slug", "standfirst", "body"]}),
        ("Photo", {"fields": ["lead_photo", "lead_photo_preview"]}),
        (
            "Publishing",
            {"fields": ["status", "published_at", "is_featured", "kind", "programme", "authors"]},
        ),
        ("Tags and funding", {"fields": ["regions", "topics", "projects"]}),
        ("History", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("authors")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "lead_photo":
            kwargs["widget"] = PhotoAutocompleteSelect(db_field, self.admin_site)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="Photo")
    def preview(self, obj):
        return thumbnail(obj.lead_photo, 60)

    @admin.display(description="Lead photo preview")
    def lead_photo_preview(self, obj):
        return thumbnail(obj.lead_photo, 240)

    @admin.display(description="Authors")
    def author_names(self, obj):
        return ", ".join(person.name for person in obj.authors.all())


@admin.register(Article)
class ArticleAdmin(ExportMixin, PieceAdmin):
    """All pieces in one list; interviews open in their own form with their segments."""

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "kind":  # a kind a piece type fixes is made in that type's form
            allowed = self.model.allowed_kinds()
            kwargs["choices"] = [c for c in db_field.choices if c[0] in allowed]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and obj.piece_model is not Article:
            return redirect(obj.admin_url())
        return super().change_view(request, object_id, form_url, extra_context)
