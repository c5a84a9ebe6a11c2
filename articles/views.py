from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from articles.discovery.feeds import feed_links
from articles.discovery.search.forms import SearchForm, filter_options
from articles.discovery.search.query import (
    RESULTS_LIMIT,
    SearchTooSlow,
    is_capped,
    result_pieces,
)
from articles.languages import edition_language
from articles.models import (
    Article,
    ContentVersion,
    Funder,
    FundingProject,
    Person,
    Programme,
    Region,
    SitePage,
    Topic,
)
from articles.pagination import paginate

LATEST_ON_HOME = 10


TOP_STORIES = 4


def home(request):
    # Kept until the content changes (or the next scheduled piece is due), like a piece page.
    front = ContentVersion.cached(
        "front-page",
        lambda: Article.objects.published().in_edition().front_page(TOP_STORIES, LATEST_ON_HOME),
    )
    return render(request, "articles/home.html", front)


def article_list(request):
    page = paginate(
        request, Article.objects.published().in_edition().for_listing(), count_key="latest"
    )
    return render(
        request,
        "articles/listing.html",
        {"page": page, "heading": _("Latest"), "description": _("All our latest pieces.")},
    )


def detail(request, slug):
    article = Article.objects.page_of(slug)
    if article is None:
        return redirect_to_other_edition(Article, slug)
    if article.piece_model is not Article:
        # A more specific piece (e.g. an interview) lives at its own address.
        return redirect(article, permanent=True)
    return render(request, Article.detail_template, {"article": article})


def redirect_to_other_edition(model, slug):
    """A piece asked for in an edition it is not in (an old address without a prefix went to
    the reader's language): its own edition's address, or a 404 if no edition has it."""
    elsewhere = model.objects.published().filter(slug=slug).only("slug", "language", "piece_type")
    piece = elsewhere.order_by("language").first()
    if piece is None:
        raise Http404("No such piece")
    return redirect(piece)


def _listing(request, obj, pieces, kind_label, template="articles/listing.html", **extra):
    page = paginate(request, pieces.for_listing(), count_key=f"{obj._meta.label_lower}:{obj.pk}")
    heading = obj.local_name  # every listed thing is named per language
    context = {
        "object": obj,
        "page": page,
        "heading": heading,
        "kind_label": kind_label,
        # Without a description: the name the page shows, in the edition's language.
        "description": obj.local_description or f"{kind_label}: {heading}",
        "feeds": feed_links(obj),
        **extra,
    }
    return render(request, template, context)


def _vocabulary_index(request, model, heading, description):
    terms = model.objects.with_published_counts(edition_language())
    return render(
        request,
        "articles/vocabulary_index.html",
        {
            # In the order of the names readers see (their edition's).
            "terms": sorted(terms, key=lambda term: term.local_name.casefold()),
            "heading": heading,
            "description": description,
        },
    )


def regions(request):
    return _vocabulary_index(
        request,
        Region,
        _("Regions"),
        _("Countries and areas we report on, with our pieces on each."),
    )


def topics(request):
    return _vocabulary_index(
        request, Topic, _("Topics"), _("The subjects we cover, with our pieces on each.")
    )


def site_page(request, slug):
    page = get_object_or_404(SitePage, slug=slug)
    return render(request, "articles/site_page.html", {"page": page})


def region(request, slug):
    obj = get_object_or_404(Region, slug=slug)
    return _listing(
        request, obj, Article.objects.published().in_edition().filter(regions=obj), _("Region")
    )


def topic(request, slug):
    obj = get_object_or_404(Topic, slug=slug)
    return _listing(
        request, obj, Article.objects.published().in_edition().filter(topics=obj), _("Topic")
    )


def programme(request, slug):
    obj = get_object_or_404(Programme, slug=slug)
    return _listing(
        request,
        obj,
        Article.objects.published().in_edition().filter(programme=obj),
        _("Programme"),
    )


def project(request, slug):
    obj = get_object_or_404(FundingProject.objects.prefetch_related("funders"), slug=slug)
    return _listing(
        request,
        obj,
        Article.objects.published().in_edition().filter(projects=obj),
        _("Funding project"),
        template="articles/project.html",
    )


def funder(request, slug):
    obj = get_object_or_404(Funder.objects.prefetch_related("projects"), slug=slug)
    return _listing(
        request,
        obj,
        Article.objects.published().in_edition().filter(projects__funders=obj).distinct(),
        _("Funder"),
        template="articles/funder.html",
    )


PHOTOS_ON_PERSON_PAGE = 24


PIECES_PER_PERSON_SECTION = 12


def person(request, slug):
    # The sections piece types add ("Interviews with X"), and whether the person has each,
    # asked in the query that reads them: a page costs nothing for sections it does not show.
    kinds = [
        (model, *section) for model in Article.piece_types() for section in model.person_sections
    ]
    has = {
        f"has_{n}": Exists(
            model.objects.published().in_edition().filter(**{lookup: OuterRef("pk")})
        )
        for n, (model, lookup, _, _) in enumerate(kinds)
    }
    wrote = Exists(Article.objects.published().in_edition().filter(authors=OuterRef("pk")))
    obj = get_object_or_404(Person.objects.public().annotate(wrote=wrote, **has), slug=slug)
    sections = [
        (
            heading,
            role,
            model.objects.published().in_edition().filter(**{lookup: obj}).for_listing(),
        )
        for n, (model, lookup, heading, role) in enumerate(kinds)
        if getattr(obj, f"has_{n}")
    ]
    # A photographer's published photos, each with the pieces that used it (two queries).
    photos = list(obj.photos.in_public_use().for_credits()[:PHOTOS_ON_PERSON_PAGE])
    roles = [
        *([_("Author")] if obj.wrote else []),
        *(role for _heading, role, _pieces in sections),
        *([_("Photographer")] if photos else []),
    ]
    return _listing(
        request,
        obj,
        Article.objects.published().in_edition().filter(authors=obj),
        " · ".join(str(role) for role in roles) or _("Person"),
        template="articles/person.html",
        photos=photos,
        sections=[
            (heading % {"name": obj.name}, role, pieces[:PIECES_PER_PERSON_SECTION])
            for heading, role, pieces in sections
        ],
    )


def search(request):
    """The search page: the form, then ranked, highlighted results or suggestions."""
    form = SearchForm(request.GET)
    searched, too_slow, ids = form.has_criteria(), False, []
    if searched:
        try:
            ids = form.result_ids()
        except SearchTooSlow:
            too_slow = True
    page = paginate(request, ids)
    page.object_list = result_pieces(page.object_list, form.query) if ids else []
    options = filter_options()
    return render(
        request,
        "articles/search.html",
        {
            "form": form,
            "searched": searched and not too_slow,
            "too_slow": too_slow,
            "query": form.query,
            "page": page,
            "is_capped": is_capped(ids),
            "results_limit": RESULTS_LIMIT,
            "single_terms": form.one_word_searches(),
            "filters_active": form.filters_narrow_words(),
            "selects": [(form[name], choices) for name, choices in options.items()],
            "topics": options["topic"][1:],
        },
    )
