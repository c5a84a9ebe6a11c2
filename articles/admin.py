from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html

from .admin_exports import DonorReportMixin, ExportMixin
from .admin_funding import FundingWarningsMixin
from .models import (
    Article,
    Funder,
    FundingProject,
    Person,
    Photo,
    Programme,
    Region,
    RelatedArticle,
    SiteSettings,
    Topic,
)


def thumbnail(photo, size=80):
    """A small preview of a photo for lists and forms."""
    if not photo or not photo.image:
        return "—"
    return format_html(
        '<img src="{}" alt="{}" width="{}" style="height:auto;max-height:{}px;object-fit:cover">',
        photo.image.url,
        photo.alt_text,
        size,
        size,
    )


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "role"]
    search_fields = ["name", "role"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    list_display = ["preview", "__str__", "credit_display", "alt_text", "uploaded_at"]
    list_filter = ["credit_person", "uploaded_at"]
    search_fields = ["caption", "alt_text", "credit_text", "credit_person__name"]
    autocomplete_fields = ["credit_person"]
    list_select_related = ["credit_person"]
    readonly_fields = ["preview_large", "original_filename", "width", "height", "uploaded_at"]
    date_hierarchy = "uploaded_at"
    fields = [
        "image",
        "preview_large",
        "caption",
        "alt_text",
        "credit_person",
        "credit_text",
        "original_filename",
        ("width", "height"),
        "uploaded_at",
    ]

    @admin.display(description="Preview")
    def preview(self, obj):
        return thumbnail(obj)

    @admin.display(description="Preview")
    def preview_large(self, obj):
        return thumbnail(obj, 320)

    @admin.display(description="Credit", ordering="credit_person__name")
    def credit_display(self, obj):
        return obj.credit


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Funder)
class FunderAdmin(admin.ModelAdmin):
    list_display = ["name", "url"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(FundingProject)
class FundingProjectAdmin(DonorReportMixin, admin.ModelAdmin):
    list_display = ["name", "programme", "starts_on", "ends_on"]
    list_filter = ["programme", "funders"]
    search_fields = ["name", "funders__name"]
    autocomplete_fields = ["funders", "programme"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
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


class PieceAdmin(FundingWarningsMixin, admin.ModelAdmin):
    """What article and interview editing share: one form, the lead photo, tags, projects."""

    form = TagAutocompleteFormMixin
    list_display = [
        "preview",
        "title",
        "kind",
        "status",
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
    inlines = [RelatedArticleInline]
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
        if db_field.name == "kind":  # interviews are made in the interview form
            kwargs["choices"] = [c for c in db_field.choices if c[0] != Article.Kind.INTERVIEW]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and obj.piece_type != Article._meta.label_lower:
            app_label, model_name = obj.piece_type.split(".")
            return redirect(reverse(f"admin:{app_label}_{model_name}_change", args=[obj.pk]))
        return super().change_view(request, object_id, form_url, extra_context)
