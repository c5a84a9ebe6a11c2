"""Feeds: RSS 2.0 and Atom for the whole site and for each region, topic, programme,
funding project and person, with the lead photo as a Media RSS element and its credit.

Every feed starts from ``Article.objects.published()`` and uses the ``for_feed()`` recipe,
so a feed runs the same few queries however many pieces, authors or tags it lists.
"""

import copy
import mimetypes

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import format_html
from django.utils.translation import gettext as _

from articles.models import Article, FundingProject, Person, Programme, Region, Topic
from articles.templatetags.articles_tags import picture

ITEMS_PER_FEED = 20
MEDIA_NS = "http://search.yahoo.com/mrss/"


def _add_media(handler, item):
    image = item.get("image")
    if not image:
        return
    handler.startElement(
        "media:content",
        {
            "url": image["url"],
            "medium": "image",
            "type": image["type"],
            "width": str(image["width"]),
            "height": str(image["height"]),
        },
    )
    if image["credit"]:
        handler.addQuickElement("media:credit", image["credit"], {"role": "photographer"})
    if image["caption"]:
        handler.addQuickElement("media:description", image["caption"])
    handler.endElement("media:content")


class MediaRssFeed(Rss201rev2Feed):
    """RSS 2.0 with a ``media:content`` element for each item's lead photo."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:media": MEDIA_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        _add_media(handler, item)


class MediaAtomFeed(Atom1Feed):
    """Atom with a ``media:content`` element for each entry's lead photo."""

    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:media": MEDIA_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        _add_media(handler, item)


class LatestFeed(Feed):
    """The newest published pieces of the whole site (RSS 2.0)."""

    feed_type = MediaRssFeed
    link_name = "home"

    def __call__(self, request, *args, **kwargs):
        # One instance serves every request: work on a copy that may remember the request.
        feed = copy.copy(self)
        feed.request = request
        return Feed.__call__(feed, request, *args, **kwargs)

    def pieces(self, obj):
        # Each edition its own feed (/ru/feed/); Django writes the edition's language into
        # RSS <language> and Atom xml:lang.
        return Article.objects.published().in_edition()

    def items(self, obj):
        return self.pieces(obj).for_feed()[:ITEMS_PER_FEED]

    def title(self, obj):
        return (
            f"{settings.KAZCMS_SITE_NAME}: {obj.local_name}" if obj else settings.KAZCMS_SITE_NAME
        )

    def link(self, obj):
        return obj.get_absolute_url() if obj else reverse("home")

    def description(self, obj):
        if obj is None:
            return _("Analysis, news and interviews from Central Asia.")
        return obj.local_description or _("The latest pieces: %(name)s.") % {"name": obj.local_name}

    def author_name(self, obj):
        return settings.KAZCMS_ORGANISATION

    def feed_copyright(self, obj):
        return f"© {settings.KAZCMS_ORGANISATION}"

    def item_title(self, item):
        return item.title

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.modified_at

    def item_author_name(self, item):
        return ", ".join(person.name for person in item.authors.all()) or None

    def item_categories(self, item):
        return [tag.local_name for tag in [*item.regions.all(), *item.topics.all()]]

    def item_description(self, item):
        summary = format_html("<p>{}</p>", item.standfirst) if item.standfirst else ""
        if item.lead_photo is None:
            return summary
        return summary + picture(item.lead_photo, absolute_url=self._absolute)

    def item_extra_kwargs(self, item):
        photo = item.lead_photo
        if photo is None:
            return {}
        url, width, height = photo.published_file()  # a rendition, not the original
        return {
            "image": {
                "url": self._absolute(url),
                "type": mimetypes.guess_type(url)[0] or "image/jpeg",
                "width": width,
                "height": height,
                "credit": photo.credit,
                "caption": photo.caption,
            }
        }

    def _absolute(self, url):
        return self.request.build_absolute_uri(url)


class LatestAtomFeed(LatestFeed):
    feed_type = MediaAtomFeed
    subtitle = LatestFeed.description


class ObjectFeed(LatestFeed):
    """The newest pieces of one region, topic, programme, funding project or person."""

    model = None
    lookup = None  # the Article filter that selects this object's pieces

    def get_object(self, request, slug):
        rows = self.model.objects.all()
        if hasattr(rows, "public"):  # people: only while they have a public role
            rows = rows.public()
        return get_object_or_404(rows, slug=slug)

    def pieces(self, obj):
        return Article.objects.published().in_edition().filter(**{self.lookup: obj})


FEEDS = {
    # name: (model, Article lookup, path prefix)
    "region": (Region, "regions", "regions"),
    "topic": (Topic, "topics", "topics"),
    "programme": (Programme, "programme", "programmes"),
    "project": (FundingProject, "projects", "projects"),
    "person": (Person, "authors", "people"),
}


def _object_feeds(name, model, lookup):
    attrs = {"model": model, "lookup": lookup, "__doc__": f"The newest pieces of one {name}."}
    rss = type(f"{model.__name__}Feed", (ObjectFeed,), attrs)
    atom = type(f"{model.__name__}AtomFeed", (rss,), {"feed_type": MediaAtomFeed})
    atom.subtitle = rss.description
    return rss(), atom()


def feed_urls():
    """URL patterns for every feed: ``feed``/``atom`` and ``<name>_feed``/``<name>_atom``."""
    patterns = [
        path("feed/", LatestFeed(), name="feed"),
        path("feed/atom/", LatestAtomFeed(), name="atom"),
    ]
    for name, (model, lookup, prefix) in FEEDS.items():
        rss, atom = _object_feeds(name, model, lookup)
        patterns += [
            path(f"{prefix}/<str:slug>/feed/", rss, name=f"{name}_feed"),
            path(f"{prefix}/<str:slug>/feed/atom/", atom, name=f"{name}_atom"),
        ]
    return patterns


def feed_links(obj=None):
    """The feeds a page advertises with ``<link rel="alternate">``: (title, type, url)."""
    if obj is None:
        return [
            (settings.KAZCMS_SITE_NAME, "application/rss+xml", reverse("articles:feed")),
            (settings.KAZCMS_SITE_NAME, "application/atom+xml", reverse("articles:atom")),
        ]
    for name, (model, _lookup, _prefix) in FEEDS.items():
        if isinstance(obj, model):
            title = f"{settings.KAZCMS_SITE_NAME}: {obj.local_name}"
            return [
                (title, "application/rss+xml", reverse(f"articles:{name}_feed", args=[obj.slug])),
                (title, "application/atom+xml", reverse(f"articles:{name}_atom", args=[obj.slug])),
            ]
    return []
