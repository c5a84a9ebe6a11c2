"""Sitemaps and robots.txt: every public piece, listing and person page for search engines.

A sitemap index lists one sitemap per section (pieces, pages, regions, topics, programmes,
funding projects, funders, people) and a Google News sitemap of the last two days. Every
section starts from ``Article.objects.published()``: listings and people appear only once
they have a public piece, and their last modification is that piece's date.
"""

from collections import defaultdict
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property

from articles.models import (
    Article,
    ContentVersion,
    Funder,
    FundingProject,
    Person,
    Programme,
    Region,
    State,
    Topic,
    state_q,
)
from articles.pagination import VersionedCountPaginator

NEWS_WINDOW = timedelta(days=2)
NEWS_LIMIT = 1000  # Google's maximum per news sitemap


class PieceSitemap(Sitemap):
    """Every published piece, with the time it last changed."""

    # Entries per sitemap page: rendering costs per entry (about 0.07 ms), so 500 keep a page
    # near 35 ms at any archive size; the index lists the pages (200 at 100,000 pieces).
    limit = 500
    changefreq = "weekly"

    def items(self):
        return Article.objects.published().for_sitemap().order_by("-published_at", "-pk")

    def _urls(self, page, protocol, domain):
        """Each piece once, in its own edition, naming its published translations as
        ``hreflang`` alternates: one query for the whole sitemap page."""
        urls = super()._urls(page, protocol, domain)
        keys = {url["item"].translation_key for url in urls}
        editions = defaultdict(list)
        for piece in (
            Article.objects.published()
            .filter(translation_key__in=keys)
            .only("slug", "language", "piece_type", "translation_key")
            .order_by("language")
        ):
            editions[piece.translation_key].append(piece)
        for url in urls:
            translations = editions[url["item"].translation_key]
            if len(translations) < 2:
                continue
            url["alternates"] = [
                {
                    "lang_code": p.language,
                    "location": f"{protocol}://{domain}{p.get_absolute_url()}",
                }
                for p in translations
            ]
            default = next((p for p in translations if p.language == settings.LANGUAGE_CODE), None)
            fallback = (default or url["item"]).get_absolute_url()
            url["alternates"].append(
                {"lang_code": "x-default", "location": f"{protocol}://{domain}{fallback}"}
            )
        return urls

    @property
    def paginator(self):
        # The count decides the pages of the index and of this section: kept, not rescanned.
        return VersionedCountPaginator(self._items(), self.limit, count_key="sitemap-pieces")

    def lastmod(self, item):
        return item.modified_at

    def get_latest_lastmod(self):
        # The newest publication (an index scan); an edit to an old piece shows in its own
        # <lastmod>, and scanning every piece's updated_at for the index is not worth it.
        return Article.objects.published().aggregate(latest=Max("published_at"))["latest"]


class EditionsSitemap(Sitemap):
    """Pages every edition has (home, listings, indexes): one entry per edition, each naming
    the others as ``hreflang`` alternates and the address without a prefix as x-default."""

    i18n = True
    alternates = True
    x_default = True


class PageSitemap(EditionsSitemap):
    """The home page and the list of latest pieces."""

    changefreq = "hourly"

    def items(self):
        return ["home", "articles:list"]

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        return Article.objects.published().aggregate(latest=Max("published_at"))["latest"]

    def get_latest_lastmod(self):
        return self.lastmod(None)


class ListingSitemap(EditionsSitemap):
    """Listing pages of one model that have at least one published piece.

    One grouped query finds them with the date of their newest piece; the list is kept for
    the request, so the index's last modification and the page share it.
    """

    model = None
    lookup = None  # the path from the model to its pieces, e.g. "articles"
    only_with_pieces = True
    changefreq = "daily"
    limit = 50_000  # the protocol's maximum: the index assumes one page per listing

    @cached_property
    def _objects(self):
        def grouped():
            published = state_q(State.PUBLISHED, prefix=f"{self.lookup}__")
            rows = self.rows().annotate(
                latest_piece_at=Max(f"{self.lookup}__published_at", filter=published)
            )
            if self.only_with_pieces:
                rows = rows.filter(latest_piece_at__isnull=False)
            return list(rows.order_by("pk"))

        # Grouping every piece: kept until the content changes.
        return ContentVersion.cached(f"sitemap:{self.model._meta.label_lower}", grouped)

    def rows(self):
        return self.model.objects.all()

    def items(self):
        return self._objects

    def lastmod(self, item):
        return item.latest_piece_at


def _listing(model, lookup):
    return type(f"{model.__name__}Sitemap", (ListingSitemap,), {"model": model, "lookup": lookup})


class PersonSitemap(ListingSitemap):
    """People with a public role (author, interviewee or photographer of a published piece);
    dated by their newest piece as author, undated otherwise."""

    model = Person
    lookup = "articles"
    only_with_pieces = False  # public() already asks every role, not only authorship

    def rows(self):
        return Person.objects.public()


SITEMAPS = {
    "pieces": PieceSitemap,
    "pages": PageSitemap,
    "regions": _listing(Region, "articles"),
    "topics": _listing(Topic, "articles"),
    "programmes": _listing(Programme, "articles"),
    "projects": _listing(FundingProject, "articles"),
    "funders": _listing(Funder, "projects__articles"),
    "people": PersonSitemap,
}


KEPT_HEADERS = ("Content-Type", "X-Robots-Tag", "Last-Modified")


def kept_until_content_changes(view):
    """The view's XML kept until the content changes (or the next scheduled piece is due):
    the index lists a page per 500 pieces and the news sitemap up to 1,000 pieces, so
    rendering them cost 10-100 ms a request. Keyed by address and sitemap page only, so
    made-up query strings cannot fill the cache; a 404 (a page past the end) is not kept."""

    @wraps(view)
    def kept(request, *args, **kwargs):
        page = request.GET.get("p", "")
        key = f"xml:{request.scheme}://{request.get_host()}{request.path}?p={page[:8]}"

        def render_now():
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
            headers = {name: response[name] for name in KEPT_HEADERS if name in response}
            return response.status_code, headers, response.content

        status, headers, content = ContentVersion.cached(key, render_now)
        return HttpResponse(content, status=status, headers=headers)

    return kept


def index(request):
    """The sitemap index: each section (the pieces in pages), then the news sitemap.

    Two cheap queries: it counts the pieces, and listing sections always fit one page,
    so the listings' grouped queries run only when their own sitemap is asked for.
    """
    pieces = PieceSitemap()
    entries = []
    for name in SITEMAPS:
        url = request.build_absolute_uri(reverse("sitemaps:section", args=[name]))
        if name == "pieces":
            latest = pieces.get_latest_lastmod()
            pages = pieces.paginator.num_pages
            entries += [(url, latest), *((f"{url}?p={n}", latest) for n in range(2, pages + 1))]
        else:
            entries.append((url, None))
    latest_news = news_pieces().first()
    if latest_news:
        news = request.build_absolute_uri(reverse("sitemaps:news"))
        entries.append((news, latest_news.published_at))
    sitemaps = [sitemap_views.SitemapIndexItem(url, lastmod) for url, lastmod in entries]
    return render(
        request,
        "sitemaps/sitemap_index.xml",
        {"sitemaps": sitemaps},
        content_type="application/xml; charset=utf-8",
    )


def section(request, section, sitemaps):
    """One section of the sitemap (pages of it with ``?p=2``)."""
    return sitemap_views.sitemap(
        request, sitemaps, section=section, template_name="sitemaps/sitemap.xml"
    )


def news_pieces(now=None):
    """Pieces published in the last two days, newest first (what a news sitemap lists)."""
    now = now or timezone.now()
    return (
        Article.objects.published(at=now)
        .filter(published_at__gte=now - NEWS_WINDOW)
        .for_sitemap()
        .order_by("-published_at", "-pk")[:NEWS_LIMIT]
    )


def news_sitemap(request):
    """A Google News sitemap (news: namespace) of the last two days.

    With no recent pieces it is an empty urlset, and the index and robots.txt leave it out.
    """
    return render(
        request,
        "sitemaps/news.xml",
        {
            "pieces": news_pieces(),
            "publication": settings.KAZCMS_SITE_NAME,
            "base": f"{request.scheme}://{request.get_host()}",
        },
        content_type="application/xml; charset=utf-8",
    )


# Previews and search results live in every edition (/en/search/, /ru/preview/…).
DISALLOWED = ["/admin/", "/staff/", "/*/preview/", "/*?*preview=", "/*/search/?"]


def robots_txt(request):
    """Crawlers: everything public, not the admin, staff previews or search results."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED), ""]
    sitemaps = ["sitemaps:index"]
    if news_pieces().exists():
        sitemaps.append("sitemaps:news")
    for name in sitemaps:
        lines.append(f"Sitemap: {request.build_absolute_uri(reverse(name))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def sitemap_urls():
    """URL patterns: /sitemap.xml, /sitemap-<section>.xml, /sitemap-news.xml, /robots.txt."""
    return [
        path("sitemap.xml", kept_until_content_changes(index), name="index"),
        path("sitemap-news.xml", kept_until_content_changes(news_sitemap), name="news"),
        path(
            "sitemap-<slug:section>.xml",
            kept_until_content_changes(section),
            {"sitemaps": SITEMAPS},
            name="section",
        ),
        path("robots.txt", robots_txt, name="robots_txt"),
    ]
