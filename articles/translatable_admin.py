"""The admin of rows with texts per language (``TranslatableModel``): after the default
language's fields, one folded section per other language with the same fields, left empty
where readers should get the default language's text."""

from django import forms
from django.conf import settings
from django.utils.text import capfirst

from articles.languages import language_label


def _other_languages():
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def form_field_name(field, language):
    return f"{field}__{language}"


class TranslationsFormMixin(forms.ModelForm):
    """Fills the per-language fields from ``instance.translations`` and writes them back."""

    translatable_fields = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for language in _other_languages():
            written = (self.instance.translations or {}).get(language, {})
            for field in self.translatable_fields:
                name = form_field_name(field, language)
                if name in self.fields and not self.is_bound:
                    self.initial[name] = written.get(field, "")

    def clean(self):
        cleaned = super().clean()
        translations = {}
        for language in _other_languages():
            texts = {
                field: cleaned.get(form_field_name(field, language)) or ""
                for field in self.translatable_fields
            }
            translations[language] = {field: text for field, text in texts.items() if text}
        self.instance.translations = {code: texts for code, texts in translations.items() if texts}
        return cleaned


_forms = {}


def translations_form(base_form, model):
    """``base_form`` with a field per translatable field and other language, built once."""
    key = (base_form, model)
    if key not in _forms:
        attrs = {"translatable_fields": model.translatable_fields}
        for language in _other_languages():
            for field in model.translatable_fields:
                model_field = model._meta.get_field(field)
                form_field = model_field.formfield()
                form_field.required = False
                form_field.initial = None
                form_field.label = (
                    f"{capfirst(model_field.verbose_name)} ({language_label(language)})"
                )
                form_field.help_text = ""
                attrs[form_field_name(field, language)] = form_field
        bases = (TranslationsFormMixin, base_form)
        _forms[key] = type(f"{model.__name__}TranslationsForm", bases, attrs)
    return _forms[key]


class TranslatableAdminMixin:
    """For the ``ModelAdmin`` of a ``TranslatableModel``: a folded fieldset per other language.
    Put it before ``admin.ModelAdmin`` in the bases."""

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = translations_form(kwargs.get("form", self.form), self.model)
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        own = {"translations"} | {
            form_field_name(field, code)
            for field in self.model.translatable_fields
            for code in _other_languages()
        }
        # The base fieldsets list the form's fields: the per-language ones go in their own.
        fieldsets = [
            (title, {**options, "fields": [f for f in options["fields"] if f not in own]})
            for title, options in fieldsets
        ]
        for language in _other_languages():
            fieldsets.append(
                (
                    f"{language_label(language)} ({language})",
                    {
                        "classes": ["collapse"],
                        "description": "Left empty, readers of this edition get the text "
                        f"above, in {language_label(settings.LANGUAGE_CODE)}.",
                        "fields": [
                            form_field_name(field, language)
                            for field in self.model.translatable_fields
                        ],
                    },
                )
            )
        return fieldsets
