"""No public surface shows a draft, in-review or scheduled piece to an anonymous reader.

The walker enumerates every URL pattern the site has (skipping only the admin and the staff
preview), fills each slug or id from the data, tries each with a search query and a second
page too, and looks for unique canary strings planted in the hidden pieces. URLs other
features add later (search, feeds, sitemaps, exports) are covered without editing this file;
a pattern it cannot fill with data makes it fail, so nothing is skipped silently.
"""

import itertools
import re
from datetime import timedelta
from unittest import mock
from urllib.parse import quote, unquote

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter
from django.utils import timezone, translation

from articles.models import Article, Correction, Photo, PreviewLink, SitePage
from articles.publishing import preview_links
from interviews.models import Interview

from .factories import make_article, make_interview, make_newsroom, make_person, make_photo

# The page cache is on: a hidden piece must not leak through it either.
pytestmark = [pytest.mark.django_db, pytest.mark.page_cache]

SKIPPED_NAMESPACES = {"admin", "two_factor"}  # the admin and its staff sign-in pages
SKIPPED_NAMES = {"articles:preview"}  # staff only; its own tests check the 404
# What an anonymous page may vary on: compression, and (with languages) the reader's language.
ALLOWED_VARY = {"accept-encoding", "accept-language"}
# Routes no data can open (the key is a secret the database does not hold): every address the
# walker makes for them, and the stored token fingerprints themselves, must be 404.
NOT_FOUND_NAMES = {"articles:preview_link"}
SHARED_WORD = "zebrafinch"  # in every piece, so search pages have something to find
MAX_URLS_PER_PATTERN = 400

HIDDEN = {
    "draft": {"status": Article.Status.DRAFT, "published_at": None},
    "review": {"status": Article.Status.IN_REVIEW, "published_at": None},
    "scheduled": {
        "status": Article.Status.PUBLISHED,
        "published_at": lambda: timezone.now() + timedelta(days=1),
    },
}


def canary(kind, model):
    return f"canary{kind}{model}x"


EDITIONS = [code for code, _name in settings.LANGUAGES]


@pytest.fixture
def edition():
    """The edition walked: tests parametrized with ``edition`` walk each one."""
    return settings.LANGUAGE_CODE


@pytest.fixture
def newsroom(edition):
    """Public pieces and, for each hidden state, an article and an interview sharing it all,
    all in the ``edition``'s language (and one public piece in another edition, which the
    walk must not show either)."""
    interviewee = make_person(name="Shared Interviewee")
    n = make_newsroom(
        author="Shared Author",
        project="Shared Project",
        programme="Shared Bureau",
        public={"title": f"Public piece publicmarker {SHARED_WORD}", "language": edition},
        interview={
            "title": f"Public interview {SHARED_WORD}",
            "interviewee": interviewee,
            "language": edition,
        },
        hidden=False,  # this walker plants its own canaries, one per state and piece type
    )
    shared, public, public_interview = n["shared"], n["public"], n["interview"]
    # One lead photo with its renditions, one still being built: neither original may show.
    ready, processing = make_photo(caption="Ready photo"), make_photo(caption="Processing")
    Photo.objects.filter(pk=processing.pk).update(renditions={})
    Article.objects.filter(pk=public.pk).update(lead_photo=processing)
    Article.objects.filter(pk=public_interview.pk).update(lead_photo=ready)
    canaries = []
    for kind, state in HIDDEN.items():
        state = {k: v() if callable(v) else v for k, v in state.items()}
        for model, make in (("article", make_article), ("interview", make_interview)):
            word = canary(kind, model)
            canaries.append(word)
            extra = {"interviewee": interviewee} if model == "interview" else {}
            piece = make(
                title=f"Hidden {word} {SHARED_WORD}",
                standfirst=f"Standfirst {word}",
                body=f"<p>Body {word} {SHARED_WORD}</p>",
                language=edition,
                **state,
                **shared,
                **extra,
            )
            if model == "interview":
                piece.segments.update(question=f"Question {word}?")
            # Every public piece links to it: the related list must leave it out.
            for source in (public, public_interview):
                source.related_links.create(to_article=piece, position=len(canaries))
            Correction.objects.create(piece=piece, text=f"Correction {word}")
            # An outsider's link exists, but its token is nowhere the walker can find it.
            preview_links.issue(piece, None, recipient_name="Donor", recipient_email="d@x.org")
    SitePage.objects.create(name="About us", body=f"<p>Who we are. {SHARED_WORD}</p>")
    # Published, but in another edition: this edition's pages must not list it.
    elsewhere = next(code for code in EDITIONS if code != edition)
    foreign = canary("otheredition", "article")
    make_article(title=f"Elsewhere {foreign} {SHARED_WORD}", language=elsewhere, **shared)
    return {"public": public, "canaries": canaries, "language": edition, "foreign": foreign}


def walk_patterns(patterns, prefix="", namespace=""):
    """(route, full name, pattern) for every pattern, depth first."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in SKIPPED_NAMESPACES:
                continue
            ns = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from walk_patterns(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = ":".join(filter(None, [namespace, pattern.name])) if pattern.name else ""
            yield prefix + str(pattern.pattern), name, pattern


def candidate_values():
    """Every slug, id of a thing with a page, and date part in the data, hidden pieces' too."""
    slugs, ints = set(), set()
    for model in apps.get_models():
        names = {f.name for f in model._meta.get_fields()}
        if model._meta.app_label in ("admin", "sessions", "contenttypes", "auth", "reversion"):
            continue
        if "slug" in names:
            slugs.update(model._default_manager.values_list("slug", flat=True))
        if hasattr(model, "get_absolute_url"):
            ints.update(model._default_manager.values_list("pk", flat=True))
    for moment in Article.objects.exclude(published_at=None).values_list("published_at", flat=True):
        local = timezone.localtime(moment)
        ints.update({local.year, local.month, local.day})
    return sorted(slugs), sorted(ints)


def fill(route, converters, slugs, ints):
    """Concrete paths for one route, every combination of candidate values."""
    names = re.findall(r"<(?:[^>:]+:)?([^>]+)>", route)
    choices = []
    for name in names:
        converter = converters.get(name)
        if isinstance(converter, IntConverter) or name in ("pk", "id") or name.endswith("_id"):
            choices.append([str(i) for i in ints])
        elif "slug" in name:
            choices.append(slugs)
        elif name == "year":  # date archives: 2026/11/
            choices.append([str(i) for i in ints if 1990 <= i <= 2100])
        elif name in ("month", "day"):
            choices.append([f"{i:02d}" for i in ints if 1 <= i <= 31])
        else:
            choices.append([*slugs, *(str(i) for i in ints)])
    for values in itertools.islice(itertools.product(*choices), MAX_URLS_PER_PATTERN):
        path = route
        for value in values:
            path = re.sub(r"<[^>]+>", quote(value, safe=""), path, count=1)
        yield "/" + path


def urls_for(route, name, pattern, slugs, ints):
    if hasattr(pattern.pattern, "converters"):  # a path() route
        return list(fill(route, pattern.pattern.converters, slugs, ints))
    regex = re.compile(route)
    if not regex.groupindex and not re.search(r"[\[\](){}*+?|]", route.strip("^$")):
        return ["/" + route.replace("^", "").replace("$", "").replace("\\", "")]
    if name and regex.groupindex:  # a re_path() with named groups: let reverse() fill it
        urls = []
        for values in itertools.product(*([*slugs, *map(str, ints)] for _ in regex.groupindex)):
            try:
                urls.append(reverse(name, kwargs=dict(zip(regex.groupindex, values, strict=True))))
            except Exception:  # noqa: BLE001, S112 (a value the pattern refuses)
                continue
            if len(urls) >= MAX_URLS_PER_PATTERN:
                break
        return urls
    return []


def is_static_route(route):
    return any(
        prefix and route.lstrip("^").startswith(prefix.strip("/"))
        for prefix in (settings.MEDIA_URL, settings.STATIC_URL)
    )


def walk(client, newsroom, stop_at_first_leak=False):
    """Fetch every public URL; return what leaked, failed or could not be reached."""
    slugs, ints = candidate_values()
    canaries = [c.lower() for c in newsroom["canaries"]]
    found = {"leaks": [], "errors": [], "unfillable": [], "never_ok": [], "public_seen": False}
    found["template_text"] = []
    found["cookies"], found["vary"] = [], []
    found["not_404"] = []
    found["walked"], found["originals"] = 0, []
    originals = {photo.image.url.lower() for photo in Photo.objects.all()}
    edition_prefix = f"/{newsroom.get('language', settings.LANGUAGE_CODE)}/"
    foreign, found["foreign"] = newsroom.get("foreign", "\0"), []

    def fetch(url):
        response = client.get(url)
        found["walked"] += 1
        body = response.content.decode(errors="replace").lower()
        body += response.get("Location", "").lower()
        # A page may echo the address the visitor typed (e.g. a canonical link).
        for echoed in {url.lower(), unquote(url).lower()}:
            body = body.replace(echoed, "")
        if response.status_code >= 500:
            found["errors"].append((url, response.status_code))
        # Caches (ours, a CDN's) can hold only pages that set no cookie and vary on little.
        if response.cookies:
            found["cookies"].append((url, sorted(response.cookies)))
        vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
        # Pages readers get (not the staff preview's 404, which asks who is signed in).
        if response.status_code == 200 and vary - ALLOWED_VARY:
            found["vary"].append((url, sorted(vary)))
        # Template syntax on a page is a comment or tag that did not parse ({# #} is one line).
        if any(mark in body for mark in ("{#", "#}", "{%", "%}")):
            found["template_text"].append(url)
        # Pages show renditions or a placeholder: an original may weigh 25 MB.
        images = re.findall(r"<(?:img|source)\b[^>]*>", body)
        if any(original in tag for tag in images for original in originals):
            found["originals"].append(url)
        shown = [c for c in canaries if c in body]
        if shown:
            found["leaks"].append((url, shown))
        # Another edition's piece is public, but no page of this edition lists it (its old
        # address redirects to its own edition; the sitemaps list every edition).
        if url.startswith(edition_prefix) and response.status_code == 200 and foreign in body:
            found["foreign"].append(url)
        found["public_seen"] = found["public_seen"] or "publicmarker" in body
        return response.status_code

    # The routes of the walked edition (its prefix: /ru/…), read before any request changes
    # the active language.
    with translation.override(newsroom.get("language", settings.LANGUAGE_CODE)):
        routes = list(walk_patterns(get_resolver().url_patterns))
    for route, name, pattern in routes:
        if name in SKIPPED_NAMES or is_static_route(route):
            continue
        # Keys of dicts handed to a view (e.g. the sections of a sitemap) are values too.
        extra = [k for v in pattern.default_args.values() if isinstance(v, dict) for k in v]
        urls = urls_for(route, name, pattern, [*slugs, *map(str, extra)], ints)
        if name in NOT_FOUND_NAMES:
            stored = PreviewLink.objects.values_list("token_hash", "token_prefix")
            secrets = ["bogus-token-" + "x" * 31, *itertools.chain.from_iterable(stored)]
            urls += [reverse(name, args=[value]) for value in secrets]
            found["not_404"] += [url for url in urls if fetch(url) != 404]
            continue
        if not urls:
            found["unfillable"].append(route)
            continue
        reached = False
        for url in urls:
            status = fetch(url)
            if status == 200:
                # Search and pagination ride on query strings: try them on every page.
                for query in (f"?q={SHARED_WORD}", "?page=2"):
                    fetch(url + query)
            # Anything but "not found" means the data filled the route (a staff-only
            # export answering 302 or 403 to an anonymous reader counts as reached).
            reached = reached or status != 404
            if stop_at_first_leak and found["leaks"]:
                return found
        if not reached:
            found["never_ok"].append(route)
    return found


@pytest.mark.parametrize("edition", EDITIONS)
def test_no_public_url_shows_a_hidden_piece(client, newsroom):
    found = walk(client, newsroom)
    leaks, errors = found["leaks"], found["errors"]
    assert not leaks, f"hidden pieces shown on {len(leaks)} public URLs: {leaks[:10]}"
    assert not found["foreign"], f"another edition's piece listed on {found['foreign'][:10]}"
    assert not errors, f"server errors on {len(errors)} URLs: {errors[:10]}"
    assert not found["unfillable"], f"teach the walker these routes: {found['unfillable']}"
    assert not found["not_404"], f"opened without their secret: {found['not_404'][:10]}"
    assert not found["never_ok"], f"no data filled these (all 404): {found['never_ok']}"
    assert not found["template_text"], f"template syntax shown on {found['template_text'][:5]}"
    assert found["public_seen"], "the walker never saw the public piece: it is not looking"
    assert found["walked"] > 50
    assert not found["originals"], f"original photo files shown on {found['originals'][:10]}"


def test_the_walker_notices_an_original_in_a_listing(client, newsroom, monkeypatch):
    from articles.photos import renditions

    def original(photo, group):  # the old fallback: the uploaded file itself
        url = photo.image.url
        return {"sources": [], "src": url, "srcset": f"{url} 1w", "width": 1, "height": 1}

    monkeypatch.setattr(renditions, "picture", original)
    assert walk(client, newsroom)["originals"]


@pytest.mark.parametrize("edition", EDITIONS)
def test_no_public_url_sets_a_cookie_or_varies_on_one(client, newsroom):
    found = walk(client, newsroom)
    assert found["walked"] > 50
    assert not found["cookies"], f"cookies set for anonymous readers: {found['cookies'][:10]}"
    assert not found["vary"], f"Vary beyond {sorted(ALLOWED_VARY)}: {found['vary'][:10]}"
    assert not client.cookies, "the walk left the reader holding a cookie"


def test_the_walker_notices_a_cookie(client, newsroom):
    # A page carrying a CSRF token (as the sign-up box once did) must fail the walk.
    from django.middleware.csrf import get_token

    from articles import views

    render = views.render

    def render_with_token(request, *args, **kwargs):
        get_token(request)
        return render(request, *args, **kwargs)

    with mock.patch.object(views, "render", render_with_token):
        found = walk(client, newsroom)
    assert any(url == reverse("home") for url, _ in found["cookies"])
    assert any(url == reverse("home") for url, _ in found["vary"])


def test_the_walker_notices_a_leak(client, newsroom, monkeypatch):
    # If published() let everything through, the walker must say so.
    monkeypatch.setattr(type(Article.objects.all()), "published", lambda self, at=None: self.all())
    monkeypatch.setattr(
        type(Interview.objects.all()), "published", lambda self, at=None: self.all()
    )
    assert walk(client, newsroom, stop_at_first_leak=True)["leaks"]


def test_scheduled_pieces_appear_everywhere_at_their_time(client, newsroom):
    # At the scheduled second the scheduled pieces are public; drafts and reviews still hidden.
    at = Article.objects.filter(title__contains="canaryscheduled").values_list(
        "published_at", flat=True
    )[0]
    Article.objects.filter(title__contains="canaryscheduled").update(published_at=at)
    hidden = [c for c in newsroom["canaries"] if "scheduled" not in c]
    with mock.patch("django.utils.timezone.now", return_value=at):
        found = walk(client, {**newsroom, "canaries": hidden})
        html = client.get(reverse("articles:list")).content.decode().lower()
    assert not found["leaks"], found["leaks"][:10]
    assert canary("scheduled", "article") in html and canary("scheduled", "interview") in html
