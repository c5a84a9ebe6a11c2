"""The page's editions for base.html: ``{% page_editions as editions %}`` once, then the
``hreflang`` alternates in the head and the language switcher in the header."""

from django import template
from django.conf import settings
from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from articles.discovery import editions as editions_of

register = template.Library()


@register.simple_tag(takes_context=True)
def page_editions(context):
    """Each language's address of this page (a piece: its published translations, else that
    edition's home), and the x-default; no alternates for a preview or an error page."""
    request = context.get("request")
    article = context.get("article")
    if request is None:
        return {"list": [], "alternates": [], "x_default": ""}
    match = getattr(request, "resolver_match", None)
    route = match.view_name if match else ""
    # Django's 404 page, and addresses holding a secret (a token): the editions' homes only.
    if "request_path" in context or route in editions_of.ADDRESSES_WITH_SECRETS:
        editions = [
            editions_of.Edition(code, editions_of.home_of(code), False)
            for code, _name in settings.LANGUAGES
        ]
        return {"list": editions, "alternates": [], "x_default": ""}
    if article is not None and getattr(article, "pk", None) and "page" not in context:
        editions = editions_of.editions_of_piece(article, article.published_translations)
        x_default = editions_of.x_default(editions, article)
    else:
        editions = editions_of.editions_of_path(request.path)
        x_default = editions_of.x_default(editions)
    if context.get("is_preview") or context.get("no_alternates"):
        return {"list": editions, "alternates": [], "x_default": ""}
    absolute = request.build_absolute_uri
    return {
        "list": editions,
        "alternates": [(e.language, absolute(e.url)) for e in editions if e.exists],
        "x_default": absolute(x_default),
    }


@register.simple_tag
def og_locale(language):
    return editions_of.og_locale(language)


@register.filter
def marked_language(text):
    """A name or text as an edition shows it (``LocalText``): where it fell back to another
    language, wrapped in an element saying so, so a screen reader reads it with that
    language's rules. Rich text (site pages) stays HTML, in a ``<div>``."""
    language = getattr(text, "language", None)
    html = getattr(text, "html", False)
    # Rich text was sanitized when it was saved (TranslatableModel.cleaned_translations).
    content = mark_safe(text) if html else conditional_escape(text)  # noqa: S308
    if not language or language == (translation.get_language() or settings.LANGUAGE_CODE):
        return content
    element = "div" if html else "span"
    return format_html('<{0} lang="{1}">{2}</{0}>', element, language, content)


@register.filter
def translated(row, field):
    """``{{ page|translated:"body" }}``: one of a row's texts in the edition's language."""
    return row.translated(field)
