"""Names and texts written once per language: regions, topics, programmes, projects, funders,
site pages and the site-wide texts.

The default language's text is the model's own field (``name``); the others live beside it in
``translations`` (``{"ru": {"name": "Казахстан"}}``), read with the row itself, so a page asks
no query more for them, and a language added in settings needs no migration. Where a language
has no text, readers get the default language's, marked with its ``lang`` (``LocalText``).
"""

from django.conf import settings
from django.db import models
from django.utils import translation

from articles.languages import edition_language


class LocalText(str):
    """A text as an edition shows it, knowing the language it is actually in (the edition's,
    or the default language's when none was written) and whether it is rich-text HTML."""

    def __new__(cls, value, language=None, html=False):  # defaults: unpickling (caches)
        text = super().__new__(cls, value)
        text.language, text.html = language, html
        return text


class TranslatableModel(models.Model):
    """Subclasses name their ``translatable_fields``; ``translated(field)`` reads one."""

    translatable_fields = ()

    translations = models.JSONField(
        "texts in other languages",
        default=dict,
        blank=True,
        help_text="Per language code, the fields written in that language.",
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.translations = self.cleaned_translations()
        super().save(*args, **kwargs)

    def translated(self, field, language=None):
        """``field`` in ``language`` (default: the edition being served), else in the default
        language. A default text nobody changed (a site text as shipped) comes from the
        interface catalogue, which has it in every language."""
        language = language or edition_language()
        value = getattr(self, field) or ""
        html = callable(getattr(self._meta.get_field(field), "sanitize", None))
        if language != settings.LANGUAGE_CODE:
            written = (self.translations or {}).get(language, {}).get(field)
            if written:
                return LocalText(written, language, html)
            shipped = self._meta.get_field(field).default
            if value and value == shipped:
                with translation.override(language):
                    local = translation.gettext(value)
                if local != value:
                    return LocalText(local, language, html)
        return LocalText(value, settings.LANGUAGE_CODE, html)

    @property
    def local_name(self):
        return self.translated("name")

    @property
    def local_description(self):
        if "description" not in self.translatable_fields:
            return ""  # people have a bio instead
        return self.translated("description")

    def cleaned_translations(self):
        """Only configured languages and fields, no empty texts, rich text sanitized as the
        default language's is."""
        cleaned = {}
        for language, texts in (self.translations or {}).items():
            if language == settings.LANGUAGE_CODE or not isinstance(texts, dict):
                continue
            kept = {}
            for field in self.translatable_fields:
                text = (texts.get(field) or "").strip()
                sanitize = getattr(self._meta.get_field(field), "sanitize", None)
                if text and callable(sanitize):
                    text = sanitize(text).strip()
                if text:
                    kept[field] = text
            if kept:
                cleaned[language] = kept
        return cleaned


class InEditionLanguage:
    """A translatable row as templates read it: its translatable fields in the language of the
    edition being served (``site_settings.donate_title``), the rest as they are."""

    def __init__(self, row):
        self._row = row

    def __getattr__(self, name):
        if name in self._row.translatable_fields:
            return self._row.translated(name)
        return getattr(self._row, name)
