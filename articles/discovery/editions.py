"""The editions of a page: its address in each language, for the language switcher, the
``hreflang`` alternates of the page and of the sitemap, and ``og:locale``.

A piece's editions are its published translations (``Article.published_translations``, read
with the piece on its page); any other page (home, listings, indexes, a person) exists in
every edition at the same path under another prefix.
"""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse, translate_url
from django.utils import translation

from articles.languages import edition_language, language_name

# OpenGraph wants a territory: the one each language is read in most, for this bureau.
OG_LOCALES = {
    "en": "en_GB",
    "ru": "ru_RU",
    "kk": "kk_KZ",
    "ky": "ky_KG",
    "uz": "uz_UZ",
    "tg": "tg_TJ",
}


# Pages whose address holds a secret: never repeated in another edition's link.
ADDRESSES_WITH_SECRETS = {
    "newsletter:confirm",
    "newsletter:unsubscribe",
    "articles:preview_link",
    "articles:preview",
}


def og_locale(language):
    return OG_LOCALES.get(language) or translation.to_locale(language)


@dataclass(frozen=True)
class Edition:
    language: str
    url: str  # the page in that language, or that edition's home when the page is not in it
    exists: bool  # the same page in that language (an alternate), not a fallback to its home

    @property
    def name(self):
        return language_name(self.language)

    @property
    def is_current(self):
        return self.language == edition_language()


def home_of(language):
    with translation.override(language):
        return reverse("home")


def editions_of_piece(piece, translations):
    """Each language's edition of ``piece``: its published translation, or that edition's home."""
    by_language = {other.language: other for other in translations}
    by_language[piece.language] = piece
    return [
        Edition(code, by_language[code].get_absolute_url(), True)
        if code in by_language
        else Edition(code, home_of(code), False)
        for code, _name in settings.LANGUAGES
    ]


def editions_of_path(path):
    """Each language's edition of a page that every edition has (home, listings, indexes)."""
    return [Edition(code, translate_url(path, code), True) for code, _name in settings.LANGUAGES]


def x_default(editions, piece=None):
    """Where a reader whose language we do not publish in should land: for a piece, its
    default-language version (else itself); for other pages the address without a prefix,
    which sends each reader to their browser's language."""
    if piece is not None:
        default = next(
            (e for e in editions if e.exists and e.language == settings.LANGUAGE_CODE), None
        )
        return default.url if default else piece.get_absolute_url()
    path = editions[0].url
    prefix = f"/{editions[0].language}/"
    return "/" + path.removeprefix(prefix) if path.startswith(prefix) else path
