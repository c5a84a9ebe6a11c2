"""Structured data for a piece: schema.org JSON-LD and OpenGraph / Twitter card tags.

Everything here reads what ``Article.objects.for_detail()`` prefetched (authors, regions,
topics, projects and funders, the lead photo and its photographer), so the page's query count
does not change. Absolute URLs are built from the request so the same code serves every host.

Article types (schema.org, all NewsArticle subtypes, which search engines read as NewsArticle):
- news → ``NewsArticle``;
- analysis → ``AnalysisNewsArticle`` (“interprets … facts and data”);
- comment → ``OpinionNewsArticle`` (“primarily expresses opinions”), closer than analysis;
- feature → ``ReportageNewsArticle`` (the product of on-the-ground reporting);
- interview → ``ReportageNewsArticle``: schema.org has no interview article type; the
  interviewee goes in ``about`` (a Person with the role they held) and ``genre`` says
  “Interview” (facts supplied by the piece type's ``structured_data_extras()`` hook).
"""

import json

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from articles.discovery.editions import og_locale
from articles.languages import edition_language
from articles.models import Article
from articles.photos import renditions

SCHEMA_TYPES = {
    Article.Kind.NEWS: "NewsArticle",
    Article.Kind.ANALYSIS: "AnalysisNewsArticle",
    Article.Kind.COMMENT: "OpinionNewsArticle",
    Article.Kind.FEATURE: "ReportageNewsArticle",
    Article.Kind.INTERVIEW: "ReportageNewsArticle",
}

LOGO_PATH = "img/logo.png"
LOGO_SIZE = (600, 60)

# What json_script escapes: nothing in a title can close the <script> element or open a comment.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def machine_datetime(value):
    """An ISO 8601 time with the newsroom's UTC offset, to the second (never a naive time).

    The one machine-readable time format: JSON-LD, OpenGraph and every ``<time datetime>``
    (through the ``machine_time`` filter); six-digit fractions are invalid HTML."""
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _person(request, person):
    return {
        "@type": "Person",
        "name": person.name,
        "url": request.build_absolute_uri(person.get_absolute_url()),
    }


def photo_image_object(request, photo):
    """A photo as a schema.org ImageObject with its caption, credit, copyright and licence."""
    return photo.as_image_object(request)


def social_image(photo):
    """(url, width, height) of the image shared on social networks: the 1200x630 rendition,
    or the original while renditions are missing."""
    rendition = renditions.social_image(photo)
    if rendition is None:
        return photo.image.url, photo.width, photo.height
    return rendition.url, rendition.width, rendition.height


def publisher(request):
    """The publishing organisation with its logo."""
    width, height = LOGO_SIZE
    return {
        "@type": "NewsMediaOrganization",
        "name": settings.KAZCMS_ORGANISATION,
        "url": request.build_absolute_uri(reverse("home")),
        "logo": {
            "@type": "ImageObject",
            "url": request.build_absolute_uri(static(LOGO_PATH)),
            "width": width,
            "height": height,
        },
    }


def breadcrumbs(request, article):
    """Home › the piece's programme (or the latest pieces) › the piece."""
    trail = [(settings.KAZCMS_SITE_NAME, reverse("home"))]
    if article.programme_id:
        trail.append((article.programme.local_name, article.programme.get_absolute_url()))
    else:
        trail.append((_("Latest"), reverse("articles:list")))
    trail.append((article.title, article.get_absolute_url()))
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": name,
                "item": request.build_absolute_uri(url),
            }
            for position, (name, url) in enumerate(trail, 1)
        ],
    }


def article_schema(request, article):
    """The schema.org description of a piece (a dict, ready for JSON)."""
    url = request.build_absolute_uri(article.get_absolute_url())
    regions = [tag.local_name for tag in article.regions.all()]
    topics = [tag.local_name for tag in article.topics.all()]
    funders, grants = {}, []
    for project in article.projects.all():
        grant_funders = []
        for funder in project.funders.all():
            funders[funder.pk] = {
                "@type": "Organization",
                "name": funder.local_name,
                "url": funder.url or request.build_absolute_uri(funder.get_absolute_url()),
            }
            grant_funders.append(funders[funder.pk])
        # The project is the grant the piece was produced under (schema.org ``funding``).
        grants.append(
            {
                "@type": "MonetaryGrant",
                "name": project.local_name,
                "url": request.build_absolute_uri(project.get_absolute_url()),
                "funder": grant_funders,
            }
        )
    data = {
        "@type": SCHEMA_TYPES.get(article.kind, "NewsArticle"),
        "@id": f"{url}#article",
        "url": url,
        "mainEntityOfPage": url,
        "headline": article.title[:110],
        "name": article.title,
        "description": article.standfirst or article.title,
        "datePublished": machine_datetime(article.published_at),
        "dateModified": machine_datetime(article.modified_at),
        "inLanguage": article.language,
        "isAccessibleForFree": True,
        "articleSection": str(article.get_kind_display()),
        "author": [_person(request, person) for person in article.authors.all()],
        "publisher": publisher(request),
        "keywords": regions + topics,
    }
    if regions:
        data["contentLocation"] = [{"@type": "Place", "name": name} for name in regions]
    if article.lead_photo_id:
        data["image"] = photo_image_object(request, article.lead_photo)
    if funders:
        data["funder"] = list(funders.values())
    if grants:
        data["funding"] = grants
    if article.programme_id:
        data["sourceOrganization"] = {
            "@type": "Organization",
            "name": article.programme.local_name,
        }
    data.update(article.structured_data_extras(request.build_absolute_uri))
    if not data["author"]:
        # Unsigned pieces are the organisation's own.
        data["author"] = [{"@type": "Organization", "name": settings.KAZCMS_ORGANISATION}]
    return data


def json_ld(data):
    """A ``<script type="application/ld+json">`` element, escaped like ``json_script``."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(payload.translate(_JSON_SCRIPT_ESCAPES)),  # noqa: S308 (escaped above)
    )


def article_json_ld(request, article):
    """The JSON-LD graph of a piece page: the piece and its breadcrumbs."""
    return json_ld(
        {
            "@context": "https://schema.org",
            "@graph": [article_schema(request, article), breadcrumbs(request, article)],
        }
    )


def social_meta(request, article):
    """OpenGraph and Twitter card properties of a piece, as (attribute, name, content)."""
    url = request.build_absolute_uri(article.get_absolute_url())
    description = article.standfirst or article.title
    tags = [
        ("property", "og:site_name", settings.KAZCMS_SITE_NAME),
        ("property", "og:type", "article"),
        ("property", "og:title", article.title),
        ("property", "og:description", description),
        ("property", "og:url", url),
        ("property", "og:locale", og_locale(article.language)),
        *(
            ("property", "og:locale:alternate", og_locale(other.language))
            for other in article.published_translations
        ),
        ("property", "article:published_time", machine_datetime(article.published_at)),
        ("property", "article:modified_time", machine_datetime(article.updated_at)),
        ("property", "article:section", str(article.get_kind_display())),
    ]
    tags += [
        ("property", "article:author", request.build_absolute_uri(p.get_absolute_url()))
        for p in article.authors.all()
    ]
    tags += [("property", "article:tag", tag.local_name) for tag in article.regions.all()]
    tags += [("property", "article:tag", tag.local_name) for tag in article.topics.all()]
    card = "summary"
    if article.lead_photo_id:
        photo = article.lead_photo
        image_url, width, height = social_image(photo)
        image_url = request.build_absolute_uri(image_url)
        card = "summary_large_image"
        tags += [
            ("property", "og:image", image_url),
            ("property", "og:image:width", str(width)),
            ("property", "og:image:height", str(height)),
            ("property", "og:image:alt", photo.alt_text),
            ("name", "twitter:image", image_url),
            ("name", "twitter:image:alt", photo.alt_text),
        ]
    tags += [
        ("name", "twitter:card", card),
        ("name", "twitter:title", article.title),
        ("name", "twitter:description", description),
    ]
    return [(attr, name, content) for attr, name, content in tags if content]


def site_json_ld(request):
    """The home page's JSON-LD: the website and the organisation that publishes it."""
    home = request.build_absolute_uri(reverse("home"))
    return json_ld(
        {
            "@context": "https://schema.org",
            "@graph": [
                {
                    "@type": "WebSite",
                    "@id": f"{home}#website",
                    "url": home,
                    "name": settings.KAZCMS_SITE_NAME,
                    "inLanguage": edition_language(),
                    "publisher": publisher(request),
                }
            ],
        }
    )


def person_json_ld(request, person):
    """A person's page as a schema.org ProfilePage about them. A pen name is a name and a page,
    nothing more."""
    entity = _person(request, person)
    if person.role and not getattr(person, "is_pen_name", False):
        entity["description"] = person.translated("role")
    return json_ld(
        {
            "@context": "https://schema.org",
            "@type": "ProfilePage",
            "url": entity["url"],
            "name": person.name,
            "mainEntity": entity,
        }
    )


def site_social_meta(request, title, description):
    """OpenGraph and Twitter tags for pages that are not pieces (the home page)."""
    return [
        ("property", "og:site_name", settings.KAZCMS_SITE_NAME),
        ("property", "og:type", "website"),
        ("property", "og:locale", og_locale(edition_language())),
        *(
            ("property", "og:locale:alternate", og_locale(code))
            for code, _name in settings.LANGUAGES
            if code != edition_language()
        ),
        ("property", "og:title", title),
        ("property", "og:description", description),
        ("property", "og:url", request.build_absolute_uri(request.path)),
        ("property", "og:image", request.build_absolute_uri(static(LOGO_PATH))),
        ("name", "twitter:card", "summary"),
    ]
