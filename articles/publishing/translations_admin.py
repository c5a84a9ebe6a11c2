"""Translations in the piece admin: the language in the form and the list, "Translate into …"
(a linked draft with the source's structure), the panel of a piece's other versions, and the
"may be outdated" flag with its list filter and the translator's "up to date" checkbox."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.urls import path
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from articles.languages import language_name

UP_TO_DATE = "mark_up_to_date"


class OutdatedFilter(admin.SimpleListFilter):
    title = "translation"
    parameter_name = "translation"

    def lookups(self, request, model_admin):
        return [("outdated", "May be outdated"), ("translated", "Translations")]

    def queryset(self, request, queryset):
        if self.value() == "outdated":
            return queryset.may_be_outdated()
        if self.value() == "translated":
            return queryset.filter(translated_from__isnull=False)
        return queryset


class TranslationsAdminMixin:
    """For ``PieceAdmin``: translating, and seeing what a translation follows."""

    def get_list_display(self, request):
        return [*super().get_list_display(request), "language_code", "translation_flag"]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), "language", OutdatedFilter]

    def get_list_select_related(self, request):
        # The flag reads the source's text revision: joined, not one query per row. Here, not
        # in get_queryset: a queryset that already selects related rows makes the list skip
        # its own list_select_related (the programme column then cost a query per row).
        joined = super().get_list_select_related(request)
        return [*(joined if isinstance(joined, (list, tuple)) else []), "translated_from"]

    @admin.display(description="Language", ordering="language")
    def language_code(self, obj):
        return format_html('<span lang="{}">{}</span>', obj.language, language_name(obj.language))

    @admin.display(description="Translation")
    def translation_flag(self, obj):
        if obj.may_be_outdated:
            return format_html(
                '<span class="translation-outdated" title="{}">⚠ May be outdated</span>',
                f"“{obj.translated_from.title}” changed after this translation.",
            )
        return "—"

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None and obj.may_be_outdated:
            # Declared on the form class, so the admin's form factory knows the field.
            base = kwargs.get("form", self.form)
            kwargs["form"] = type(
                base.__name__,
                (base,),
                {
                    UP_TO_DATE: forms.BooleanField(
                        required=False,
                        label="This translation is up to date with its source",
                        help_text="Tick once you have brought in the source's changes.",
                    )
                },
            )
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None and obj.may_be_outdated:
            name, options = fieldsets[0]
            fieldsets[0] = (name, {**options, "fields": [*options["fields"], UP_TO_DATE]})
        return fieldsets

    def save_model(self, request, obj, form, change):
        if form.cleaned_data.get(UP_TO_DATE) and obj.translated_from_id:
            obj.source_text_revision = obj.translated_from.text_revision
        super().save_model(request, obj, form, change)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            versions = list(obj.translations().select_related("translated_from"))
            taken = {obj.language, *(v.language for v in versions)}
            context["translations_panel"] = {
                "piece": obj,
                "versions": versions,
                "missing": [(code, name) for code, name in settings.LANGUAGES if code not in taken],
                "can_translate": self.has_add_permission(request),
            }
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/translate/<str:language>/",
                self.admin_site.admin_view(self.translate_view),
                name=f"{opts.app_label}_{opts.model_name}_translate",
            ),
            *super().get_urls(),
        ]

    def translate_view(self, request, object_id, language):
        return require_POST(self._translate)(request, object_id, language)

    def _translate(self, request, object_id, language):
        source = self.get_object(request, object_id)
        if source is None or not self.has_view_permission(request, source):
            raise PermissionDenied
        if not self.has_add_permission(request):
            raise PermissionDenied
        try:
            with transaction.atomic():
                draft = source.translate_into(language, request.user)
        except ValueError as exc:
            messages.error(request, f"No translation was made: {exc}")
            return redirect(source.admin_url())
        messages.success(
            request,
            f"A {language_name(language)} draft of “{source.title}” was made with its photo, "
            "tags and projects: translate the title, standfirst and text"
            + (", and each question and answer" if hasattr(draft, "segments") else "")
            + ".",
        )
        return redirect(draft.admin_url())
