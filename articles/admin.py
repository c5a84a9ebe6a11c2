"""The newsroom admin: people, tag vocabularies, site settings and the piece admins
(``PieceAdmin``, which interviews build on). Photos, the workflow, funding and exports keep
their admin code in their own packages.
"""

import hashlib

from django import forms
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.shortcuts import redirect

from articles.exports.admin import ExportMixin

# Django's autodiscover imports only this module: importing the sub-packages' admins here
# registers their models too (programmes, funders and projects, the photo library, the audit
# trail).
from articles.funding.admin import FundingWarningsMixin
from articles.identity_admin import PenNameAdminMixin
from articles.models import (
    Article,
    Person,
    Photo,
    Region,
    RelatedArticle,
    SitePage,
    SiteSettings,
    Topic,
)
from articles.pagination import VersionedCountPaginator
from articles.photos import inline
from articles.photos.admin import PhotoAutocompleteSelect, thumbnail
from articles.publishing.admin import CorrectionInline, WorkflowAdminMixin, WorkflowFormMixin
from articles.publishing.concurrency import EditGuardAdminMixin
from articles.publishing.preview_links_admin import PreviewLinksAdminMixin
from articles.publishing.translations_admin import TranslationsAdminMixin
from articles.slug_notice import SlugNoticeAdminMixin
from articles.translatable_admin import TranslatableAdminMixin


@admin.register(Person)
class PersonAdmin(
    TranslatableAdminMixin,
    PenNameAdminMixin,
    SlugNoticeAdminMixin,
    EditGuardAdminMixin,
    admin.ModelAdmin,
):
    list_display = ["name", "role"]
    # Never the sealed identity's fields: autocompletes and searches answer with these.
    search_fields = ["name", "role"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Region, Topic)
class VocabularyAdmin(
    TranslatableAdminMixin, SlugNoticeAdminMixin, EditGuardAdminMixin, admin.ModelAdmin
):
    """The two tag vocabularies: searched by the article form's autocompletes."""

    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "description"]


@admin.register(SiteSettings)
class SiteSettingsAdmin(TranslatableAdminMixin, EditGuardAdminMixin, admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        settings_row, _ = SiteSettings.objects.get_or_create(pk=1)
        return redirect("admin:articles_sitesettings_change", settings_row.pk)


@admin.register(SitePage)
class SitePageAdmin(TranslatableAdminMixin, EditGuardAdminMixin, admin.ModelAdmin):
    """About, Contact, Editorial policy, Donate: the simple pages the footer links."""

    list_display = ["name", "slug", "in_footer", "position", "updated_at"]
    list_editable = ["in_footer", "position"]
    search_fields = ["name", "body"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "description", "body", ("in_footer", "position")]
    view_on_site = True


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


class PieceChangeList(ChangeList):
    """The piece list shows no text: it does not read a hundred pieces' bodies."""

    def get_queryset(self, request, exclude_parameters=None):
        return super().get_queryset(request, exclude_parameters).defer("body")


class PieceForm(WorkflowFormMixin, TagAutocompleteFormMixin):
    """The piece form: tag autocompletes, plus the workflow's stale-edit and role checks."""

    def clean_language(self):
        """A piece and its translations: at most one in each language."""
        language = self.cleaned_data.get("language")
        piece = self.instance
        if piece.pk and language != piece.language:
            taken = piece.translations().filter(language=language).first()
            if taken is not None:
                raise forms.ValidationError(
                    f"“{taken.title}” is already this piece's {taken.get_language_display()} "
                    "version. Choose another language, or edit that version."
                )
        return language

    def clean_body(self):
        """Photos in the text come from the library (the field refuses other images): one
        deleted from the library meanwhile is refused too, with the text kept."""
        body = self.cleaned_data.get("body") or ""
        ids = inline.photo_ids(body)
        known = set(Photo.objects.filter(pk__in=ids).values_list("pk", flat=True))
        if missing := len(set(ids) - known):
            raise forms.ValidationError(
                f"The text shows {missing} photo{'s' if missing > 1 else ''} that "
                f"{'are' if missing > 1 else 'is'} no longer in the photo library. Insert "
                "another with the figure button and “Browse…”, or remove it; your text is "
                "kept."
            )
        return body


class PieceAdmin(
    TranslationsAdminMixin,
    PreviewLinksAdminMixin,
    SlugNoticeAdminMixin,
    FundingWarningsMixin,
    WorkflowAdminMixin,
    admin.ModelAdmin,
):
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
        # Every region and topic (a few dozen rows): "only those in use" scanned every piece.
        ("regions", admin.RelatedFieldListFilter),
        ("topics", admin.RelatedFieldListFilter),
        "published_at",  # any date, today, 7 days, this month, this year
    ]
    list_select_related = ["lead_photo", "programme"]
    search_fields = ["title", "standfirst", "slug"]
    # No date_hierarchy: its year links group every piece on each view of the list (100 ms
    # at 100,000 pieces); the published_at filter above, and ?published_at__year=, remain.
    # One count (of the filtered list), not a second of the whole table.
    show_full_result_count = False
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["authors", "lead_photo", "programme", "projects"]
    readonly_fields = ["lead_photo_preview", "created_at", "updated_at"]
    inlines = [RelatedArticleInline, CorrectionInline]
    save_on_top = True

    class Media:
        css = {"all": ["articles/piece_editing.css"]}
        # Latin slug proposals (SlugNoticeAdminMixin's script: this Media replaces its own),
        # and a local copy of the open form in the browser, offered back after a failed save.
        js = ["kazcms/slug_latin.js", "kazcms/form_backup.js"]

    fieldsets = [
        (None, {"fields": ["title", "slug", "language", "standfirst", "body"]}),
        ("Photo", {"fields": ["lead_photo", "lead_photo_preview"]}),
        (
            "Publishing",
            {
                "fields": [
                    "status",
                    "published_at",
                    ("is_featured", "is_top_story"),
                    "kind",
                    "programme",
                    "authors",
                ]
            },
        ),
        ("Tags and funding", {"fields": ["regions", "topics", "projects"]}),
        ("History", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("authors")

    def get_changelist(self, request, **kwargs):
        return PieceChangeList

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        # The list's count, kept until the content changes (any save of a piece changes it):
        # a COUNT(*) of 100,000 pieces cost 54 ms on every view of the list. Keyed by the
        # query, so each filter, search and role's own view has its own exact count.
        key = hashlib.sha256(str(queryset.query).encode()).hexdigest()
        return VersionedCountPaginator(
            queryset, per_page, orphans, allow_empty_first_page, count_key=f"admin:{key}"
        )

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
