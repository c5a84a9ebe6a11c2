"""Every route answers hostile input with a 4xx (or a redirect), never a 5xx.

The walker enumerates every URL pattern the site has, the admin and the staff sign-in pages
included (as the leak walker in test_public_surfaces does for the public ones), and sends each
hostile value through each path parameter and through every query parameter the views and the
admin read, anonymously and signed in as each role of kazcms/roles.py. A new route or a new
query parameter is walked without editing this file; a route it cannot reach makes it fail.
"""

import re
from urllib.parse import quote

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter
from reversion.models import Version

from articles.discovery.search.forms import SearchForm
from articles.models import Photo

from .factories import make_newsroom, make_photo, make_user

pytestmark = pytest.mark.django_db

# Each one once broke, or breaks code like ours somewhere: NUL, digits int() refuses,
# overlong, percent-encoded garbage, path traversal, markup, numbers out of every range.
HOSTILE = {
    "nul": "a\x00b",
    "superscript-two": "²",
    "circled-one": "①",
    "overlong": "x" * 10_000,
    "bad-utf8": "%ff%fe",  # sent raw: the bytes 0xFF 0xFE, not valid UTF-8
    "traversal": "../../etc/passwd",
    "markup": "<script>alert(1)</script>",
    "negative": "-1",
    "huge": "9" * 40,
}

# What the views read from the query string (search, pagination, sitemaps, revisions, the
# donor report, sign-in) and what the admin's lists, pop-ups and autocompletes read.
QUERY_NAMES = {
    *SearchForm.base_fields,
    *("page", "p", "a", "b", "since", "until", "download", "next"),
    *("o", "e", "all", "_popup", "_to_field", "_changelist_filters", "listed_at"),
    *("term", "app_label", "model_name", "field_name"),
}

ROLES = {
    "anonymous": None,
    "contributor": "Contributors",
    "editor": "Editors",
    "administrator": "Administrators",
}


def admin_query_names():
    """The filter, date-hierarchy and search parameters of every registered admin list."""
    names = set()
    for model_admin in admin.site._registry.values():
        for entry in model_admin.list_filter:
            if isinstance(entry, (list, tuple)):
                entry = entry[0]
            if isinstance(entry, str):
                names |= {f"{entry}__exact", f"{entry}__id__exact", f"{entry}__isnull"}
            else:
                names.add(getattr(entry, "parameter_name", "") or "")
        if model_admin.date_hierarchy:
            names |= {f"{model_admin.date_hierarchy}__{p}" for p in ("year", "month", "day")}
    return names - {""}


def walk_patterns(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk_patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def routes():
    """(route template with {name} holes, [parameter names], {name: converter}) for each."""
    found = []
    for route, pattern in walk_patterns(get_resolver().url_patterns):
        converters = getattr(pattern.pattern, "converters", {})
        # Routes of path() and of re_path() (the admin's app index and catch-all, media) mix
        # in one string once included: named groups and <converters> both become {holes}.
        template = re.sub(r"\(\?P<([^>]+)>[^)]*\)", r"{\1}", route)
        template = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", template)
        template = re.sub(r"[\^$\\]", "", template)
        names = re.findall(r"\{(\w+)\}", template)
        found.append(("/" + template, names, converters))
    return found


# Whose slug a public route takes, by its first path segment (pieces otherwise).
SLUG_OWNERS = {
    "regions": "region",
    "topics": "topic",
    "programmes": "programme",
    "projects": "project",
    "funders": "funder",
    "people": "author",
    "interviews": "interview",
}


def real_value(name, converters, newsroom, template=""):
    """A value that reaches the view behind the parameter (an existing row, a real slug)."""
    public = newsroom["public"]
    if name in ("object_id", "pk", "id"):
        admin_model = re.match(r"/admin/(\w+)/(\w+)/", template)
        if admin_model:  # a row of the model this admin route is for
            try:
                model = apps.get_model(*admin_model.groups())
            except LookupError:
                model = None
            row = model and model._default_manager.order_by("pk").first()
            if row is not None:
                return str(row.pk)
        return str(public.pk)
    if name == "version_id":
        version = Version.objects.get_for_object(public).first()
        return str(version.pk if version else public.pk)
    if name == "content_type_id":
        return str(ContentType.objects.get_for_model(public).pk)
    if isinstance(converters.get(name), IntConverter):
        return str(public.pk)
    if name == "slug":
        segments = template.strip("/").split("/")
        if segments[0] in dict(settings.LANGUAGES):  # an edition's prefix: /en/regions/…
            segments = segments[1:]
        owner = SLUG_OWNERS.get(segments[0], "public")
        return newsroom[owner].slug
    return {
        "year": str(public.published_at.year),
        "month": f"{public.published_at.month:02d}",
        "app_label": "articles",
        "url": "articles/article/",
        "section": "pieces",
        "path": "photos/none.jpg",
        "fmt": "csv",
    }.get(name, public.slug)


def fill(template, values):
    path = template
    for name, value in values.items():
        path = path.replace("{" + name + "}", value)
    return path


def encoded(value):
    return value if value == HOSTILE["bad-utf8"] else quote(value, safe="")


def requests_for(template, names, converters, newsroom, query_names, every_value_per_name=True):
    """Each hostile value in each path parameter, and in the query parameters.

    With ``every_value_per_name``, one request per value sets every query parameter to it;
    without, one request gives each parameter a different value (cheaper, for the roles whose
    answers differ from the administrator's only in what they may open).
    """
    real = {name: real_value(name, converters, newsroom, template) for name in names}
    path = fill(template, real)
    values = list(HOSTILE.values())
    if every_value_per_name:
        for label, value in HOSTILE.items():
            yield label, f"{path}?" + "&".join(f"{n}={encoded(value)}" for n in sorted(query_names))
    else:
        mixed = (
            f"{n}={encoded(values[i % len(values)])}" for i, n in enumerate(sorted(query_names))
        )
        yield "mixed", f"{path}?" + "&".join(mixed)
    for label, value in HOSTILE.items():
        for name in names:
            yield label, fill(template, {**real, name: encoded(value)})


def is_staff_route(template):
    """Routes whose answer depends on who asks: the admin, staff sign-in, the staff preview."""
    return template.startswith(("/admin/", "/staff/", "/preview/"))


@pytest.fixture
def newsroom():
    from articles.publishing import revisions

    n = make_newsroom(interview={"title": "Public interview"}, hidden=True)
    make_photo(renditions=False)
    with revisions.recording(None, "A revision to restore"):
        n["public"].save()
    return n


@pytest.mark.parametrize("role", ROLES)
def test_no_route_answers_hostile_input_with_a_server_error(client, newsroom, role):
    """Anonymous: every route. Each role: every staff route (public pages answer everyone
    alike); the administrator, who may open everything, with every value in every query
    parameter, the other roles with the values spread over the parameters."""
    if ROLES[role]:
        client.force_login(make_user(ROLES[role], is_superuser=False))
    client.raise_request_exception = False
    # Admin list filters go to the staff routes only: pages echo what they read into links.
    staff_query_names = QUERY_NAMES | admin_query_names()
    every_value = role in ("anonymous", "administrator")
    errors, tried, reached, walked = [], 0, set(), 0
    for template, names, converters in routes():
        if ROLES[role] and not is_staff_route(template):
            continue
        walked += 1
        query_names = staff_query_names if is_staff_route(template) else QUERY_NAMES
        for label, url in requests_for(
            template, names, converters, newsroom, query_names, every_value
        ):
            response = client.get(url)
            tried += 1
            if response.status_code >= 500:
                errors.append((response.status_code, label, url[:200]))
            if response.status_code < 400 or response.status_code in (401, 403, 405):
                reached.add(template)
    print(  # the counts the issue asks for (pytest -s shows them)
        f"\n{role}: {walked} routes x {len(HOSTILE)} hostile values, in each path parameter and"
        f" {'each' if every_value else 'spread over the'} {len(staff_query_names)} query"
        f" parameters ({len(QUERY_NAMES)} on public routes):"
        f" {tried} requests"
    )
    for error in errors:
        print("SERVER ERROR", *error)
    assert not errors, f"{len(errors)} server errors: {errors[:10]}"
    assert walked > (150 if ROLES[role] else 200)
    assert reached, "nothing answered: the walker is not reaching the views"


def test_the_walker_reaches_the_admin_and_every_public_route_with_real_values(client, newsroom):
    """Without hostile values, the filled routes answer: the walker is looking at real pages."""
    client.force_login(User.objects.create_superuser("root", "root@example.org", None))
    client.raise_request_exception = False
    not_found = []
    for template, names, converters in routes():
        real = {name: real_value(name, converters, newsroom, template) for name in names}
        status = client.get(fill(template, real)).status_code
        assert status < 500, fill(template, real)
        if status == 404:
            not_found.append(fill(template, real))
    # A few routes need a value no fixed row gives (a media file, a newsletter token, a
    # second-factor device, a log row): they answer 404 to a real-looking value, that is all.
    assert len(not_found) < 20, not_found
    assert Photo.objects.exists()


BOOKKEEPING = ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")


def test_no_admin_form_answers_hostile_input_with_a_server_error(client, newsroom):
    """Every admin add and change form, posted as the browser would with each hostile value in
    every field (the formsets' bookkeeping and the CSRF token kept), is refused or saved."""
    from .formdata import form_data

    client.force_login(User.objects.create_superuser("root", "root@example.org", None))
    client.raise_request_exception = False
    errors, posted, forms = [], 0, 0
    for template, names, converters in routes():
        if not re.fullmatch(r"/admin/\w+/\w+/(add/|\{object_id\}/change/)", template):
            continue
        real = {name: real_value(name, converters, newsroom, template) for name in names}
        url = fill(template, real)
        page = client.get(url)
        if page.status_code != 200:
            continue
        forms += 1
        data = form_data(page)
        for label, value in HOSTILE.items():
            hostile = {
                name: value
                if isinstance(kept, str)
                and name != "csrfmiddlewaretoken"
                and not name.endswith(BOOKKEEPING)
                else kept
                for name, kept in data.items()
            }
            response = client.post(url, {**hostile, "_save": "Save"})
            posted += 1
            if response.status_code >= 500:
                errors.append((label, url))
    print(f"\nadmin forms: {forms} forms x {len(HOSTILE)} values in every field = {posted} posts")
    assert not errors, errors[:20]
    assert forms > 25
