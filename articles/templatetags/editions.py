"""The page's editions for base.html: ``{% page_editions as editions %}`` once, then the
``hreflang`` alternates in the head and the language switcher in the header."""

from django import template
from django.conf import settings

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
