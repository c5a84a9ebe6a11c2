"""The site's languages: one edition per language, and the language of every piece."""

from django import forms
from django.conf import settings
from django.db import models
from django.utils import translation


def default_language():
    return settings.LANGUAGE_CODE


def language_codes():
    return [code for code, _name in settings.LANGUAGES]


def language_name(code):
    """The language's own name for itself ("Русский"), as the switcher shows it."""
    return dict(settings.LANGUAGES).get(code, code)


def language_label(code):
    """The language's English name ("Russian"), as exports and donor reports name it."""
    try:
        return translation.get_language_info(code)["name"]
    except KeyError:
        return code


def edition_language():
    """The edition being served: the language the URL prefix activated."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return language if language in language_codes() else settings.LANGUAGE_CODE


class LanguageField(models.CharField):
    """One of ``settings.LANGUAGES``. The choices come from settings at run time and stay out of
    migrations, so adding a language (Uzbek, Tajik) is a settings change, not a migration."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault("default", default_language)
        kwargs["choices"] = settings.LANGUAGES
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("choices", None)
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        kwargs.setdefault("choices_form_class", forms.TypedChoiceField)
        return super().formfield(**kwargs)
