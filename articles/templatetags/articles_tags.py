"""Template tags: how a photo is rendered (pages, teasers and feeds alike), and what a page
shows to search engines and social networks."""

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import format_html, format_html_join

from articles.discovery import sharing, structured_data
from articles.models import Photo
from articles.photos import inline, renditions

register = template.Library()

PICTURE_TEMPLATE = "includes/_photo.html"

# The width each rendition group fills on the page, so the browser picks a file before layout.
DEFAULT_SIZES = {
    "full": "(min-width: 46rem) 44rem, calc(100vw - 2rem)",
    "card": "(min-width: 40rem) 10rem, 6rem",
    "thumb": "10rem",
}


@register.simple_tag
def picture(
    photo,
    size="full",
    *,
    loading="lazy",
    sizes="",
    alt=None,
    figure=True,
    css_class="",
    absolute_url=None,
    caption=None,
):
    """A photo in the house markup: ``{% picture photo "card" alt="" figure=False %}``.

    - ``size``: the rendition group (full, card, thumb). While the photo's renditions are
      being built, a light inline SVG box of the same shape (never the original file).
    - ``loading``: "lazy", or "eager" (and fetched first) for the photo above the fold.
    - ``sizes``: the width the photo fills, when not its group's usual one.
    - ``alt``: "" where the photo only repeats a link beside it (teasers); else its alt text.
    - ``figure``: in a ``<figure class="photo …">`` with caption and credit, the house
      style “Caption. (Photo: Name)”; ``css_class`` adds a class to it.
    - ``caption``: the words under the photo where the text gives its own (inline photos);
      else the library's caption. The credit always comes from the library.
    - ``absolute_url``: the markup leaves the site (a feed passes
      ``request.build_absolute_uri``): feed readers get one rendition (``published_file``) at
      an absolute address, no srcset, loading hints or classes, and caption and credit as
      plain text.
    """
    if size not in DEFAULT_SIZES:
        choices = ", ".join(DEFAULT_SIZES)
        raise ValueError(f"Unknown picture size {size!r}: choose one of {choices}.")
    # The library's texts are written in the default language: marked so on other editions'
    # pages, so a screen reader reads them with the right rules.
    library = settings.LANGUAGE_CODE
    foreign = library if (translation.get_language() or library) != library else ""
    context = {
        "photo": photo,
        "figure": figure,
        "alt": photo.alt_text if alt is None else alt,
        "alt_lang": foreign if alt is None else "",
        "sizes": sizes or DEFAULT_SIZES[size],
        "caption": photo.caption if caption is None else caption,
        "caption_lang": foreign if caption is None else "",
    }
    if absolute_url is not None:
        url, width, height = photo.published_file()
        context |= {
            "src": absolute_url(url),
            "width": width,
            "height": height,
            "feed_caption": feed_caption(photo),
        }
    else:
        pic = renditions.picture(photo, size)
        context |= {
            "pic": pic,
            # Width and height only: the placeholder costs no query and no storage access.
            "placeholder": None if pic else renditions.placeholder(photo, size),
            "loading": loading,
            "figure_class": " ".join(filter(None, ["photo", css_class])),
        }
    return render_to_string(PICTURE_TEMPLATE, context)


@register.filter
def with_photos(markup):
    """Rich text with its library photos drawn in the house markup (one query, and none when
    the text shows no photo): ``{{ article.body|with_photos }}``."""
    ids = inline.photo_ids(markup)
    photos = Photo.objects.select_related("credit_person").in_bulk(ids) if ids else {}
    return inline.render(markup, photos, picture)


@register.inclusion_tag("includes/_share.html", takes_context=True)
def share(context, article):
    """Share links and the address to copy, for a piece page (no script)."""
    url = context["request"].build_absolute_uri(article.get_absolute_url())
    return {"url": url, "links": sharing.share_links(url, article.title)}


def feed_caption(photo):
    """Caption and credit as one line of plain text for feed readers: “Caption. Photo: Name”."""
    caption = photo.caption.rstrip()
    if not photo.credit:
        return caption
    if not caption:
        return f"Photo: {photo.credit}"
    return f"{caption.rstrip('.')}. Photo: {photo.credit}"


@register.filter
def machine_time(value):
    """``<time datetime="{{ piece.published_at|machine_time }}">``: ISO 8601, to the second."""
    return structured_data.machine_datetime(value) or ""


@register.simple_tag(takes_context=True)
def piece_meta(context, article):
    """OpenGraph and Twitter card tags, then the JSON-LD graph, for a piece page's <head>."""
    request = context["request"]
    tags = format_html_join(
        "\n",
        '<meta {}="{}" content="{}">',
        structured_data.social_meta(request, article),
    )
    return format_html("{}\n{}", tags, structured_data.article_json_ld(request, article))


@register.simple_tag(takes_context=True)
def person_meta(context, person):
    """The ProfilePage JSON-LD for a person's page."""
    return structured_data.person_json_ld(context["request"], person)


@register.simple_tag(takes_context=True)
def site_meta(context, title, description):
    """OpenGraph tags and the WebSite JSON-LD for the home page's <head>."""
    request = context["request"]
    tags = format_html_join(
        "\n",
        '<meta {}="{}" content="{}">',
        structured_data.site_social_meta(request, title, description),
    )
    return format_html("{}\n{}", tags, structured_data.site_json_ld(request))
