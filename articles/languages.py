"""The site's languages: one edition per language, and the language of every piece."""

import functools

from django import forms
from django.conf import settings
from django.core.signals import setting_changed
from django.db import models
from django.urls import get_script_prefix, get_urlconf, reverse
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


def edition_url(viewname, language=None, **kwargs):
    """``reverse()`` of a readers' page in an edition (the current one unless named),
    remembered: pages link to dozens of pieces, people and tags, and each reverse walks the
    URL patterns and switches the language."""
    return _reversed(
        get_urlconf(),
        get_script_prefix(),
        language or edition_language(),
        viewname,
        tuple(sorted(kwargs.items())),
    )


@functools.lru_cache(maxsize=20_000)
def _reversed(urlconf, script_prefix, language, viewname, kwargs):
    with translation.override(language):
        return reverse(viewname, urlconf=urlconf, kwargs=dict(kwargs))


def _forget_reversed(**kwargs):
    _reversed.cache_clear()  # a test changed the URLs, the languages or the prefix setting


setting_changed.connect(_forget_reversed, dispatch_uid="edition_url")


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
