"""The queryset of pieces: the states readers and staff ask for, the filters, and one
recipe per page (``for_listing``, ``for_detail``, ``for_feed``, ``for_sitemap``, ``for_export``)."""

from datetime import timedelta

from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q

from articles.languages import edition_language

from .inline_rows import Rows, related_rows, with_rows
from .states import State, day_start, state_q
from .versions import ContentVersion
from .vocabularies import TaggedRegion, TaggedTopic

# What a link to a piece needs: its title and address (its related pieces, its translations).
LINK_FIELDS = ("id", "title", "slug", "language", "piece_type", "published_at")


class ArticleQuerySet(models.QuerySet):
    # --- states: every admin filter, export, sitemap and report asks these ---------------

    def published(self, at=None):
        """What anonymous readers may see: published, and its time has come."""
        return self.filter(state_q(State.PUBLISHED, at=at))

    def scheduled(self, at=None):
        """Published with a time still to come: each appears by itself at its second."""
        return self.filter(state_q(State.SCHEDULED, at=at))

    def drafts(self):
        return self.filter(state_q(State.DRAFT))

    def in_review(self):
        return self.filter(state_q(State.IN_REVIEW))

    def in_edition(self, language=None):
        """The pieces of one edition: ``language``, or the one this request is served in."""
        return self.filter(language=language or edition_language())

    def may_be_outdated(self):
        """Translations whose source's text changed after they were made or last checked."""
        return self.filter(
            translated_from__isnull=False,
            translated_from__text_revision__gt=F("source_text_revision"),
        )

    def in_state(self, state, at=None):
        """Pieces in one ``State`` (or every piece for "all")."""
        return self if state == "all" else self.filter(state_q(state, at=at))

    def filtered(
        self,
        *,
        kind=None,
        programme=None,
        region=None,
        topic=None,
        project=None,
        funder=None,
        since=None,
        until=None,
    ):
        """Pieces narrowed by the filters readers (search) and staff (exports, reports) pick.

        ``None`` or empty means any; ``since`` and ``until`` are dates, both included, in
        newsroom time.
        """
        queryset = self
        if kind:
            queryset = queryset.filter(kind=kind)
        if programme is not None:
            queryset = queryset.filter(programme=programme)
        if region is not None:
            queryset = queryset.filter(regions=region)
        if topic is not None:
            queryset = queryset.filter(topics=topic)
        if project is not None:
            queryset = queryset.filter(projects=project)
        if funder is not None:
            # a subquery, not a join: a piece under two projects of one funder is one row
            queryset = queryset.filter(
                pk__in=self.model.objects.filter(projects__funders=funder).values("pk")
            )
        if since:
            queryset = queryset.filter(published_at__gte=day_start(since))
        if until:
            queryset = queryset.filter(published_at__lt=day_start(until + timedelta(days=1)))
        return queryset

    # --- recipes: what each page reads ----------------------------------------------------

    def for_listing(self):
        """What a teaser needs: photo, credit, programme and authors (never the body or the
        search vector, the two large columns; tests/test_page_cost.py checks the SQL)."""
        return (
            self.defer("body", "search_vector")
            .select_related("lead_photo__credit_person", "programme")
            .prefetch_related("authors")
        )

    def for_detail(self):
        """Everything a piece page shows, in the piece's own query: the lead photo, its
        credit and the programme joined; authors, regions, topics, projects with their
        funders, corrections, the published related pieces and the published translations
        as JSON arrays of the same row (``inline_rows``), whatever their number."""
        model = self.model
        links = model._meta.get_field("related_links").related_model
        projects = model._meta.get_field("projects").related_model
        return (
            self.defer("search_vector")
            .select_related("lead_photo__credit_person", "programme")
            .with_rows(
                related_rows(model, "authors"),
                related_rows(model, "regions"),
                related_rows(model, "topics"),
                related_rows(model, "projects", funders=related_rows(projects, "funders")),
                related_rows(model, "corrections"),
                related_rows(
                    model,
                    "related_links",
                    # Only published pieces, and only what a link to one needs.
                    links.objects.filter(state_q(State.PUBLISHED, prefix="to_article__")),
                    fields=[
                        "id",
                        "from_article_id",
                        "to_article_id",
                        "position",
                        *(f"to_article__{name}" for name in LINK_FIELDS),
                    ],
                ),
                Rows(
                    self._published_translations(),
                    into="published_translations",
                    fields=LINK_FIELDS,
                ),
            )
        )

    def page_of(self, slug):
        """The published piece of the edition at ``slug``, read with ``for_detail()`` and kept
        until the content changes (or the next scheduled piece is due): a piece page then
        renders without building, compiling or running its query. None: no such piece (not
        kept, so made-up addresses cannot fill the cache)."""
        model = self.model._meta.label_lower
        return ContentVersion.cached(
            f"piece-page:{model}:{slug}",
            lambda: self.published().in_edition().for_detail().filter(slug=slug).first(),
            keep=lambda piece: piece is not None,
        )

    def _published_translations(self):
        """The other published editions of the outer piece (``Article.published_translations``)."""
        pieces = self.model._meta.get_field("translated_from").related_model
        return (
            pieces.objects.published()
            .filter(translation_key=OuterRef("translation_key"))
            .exclude(pk=OuterRef("pk"))
            .order_by("language")
        )

    def with_rows(self, *rows):
        """These pieces, each with ``rows`` (``inline_rows.Rows``) read in its own query."""
        return with_rows(self, *rows)

    def for_feed(self):
        """What a feed item needs: authors, regions and topics, the lead photo and its credit
        (items show the standfirst, never the body)."""
        return (
            self.defer("body", "search_vector")
            .select_related("lead_photo__credit_person")
            .prefetch_related("authors", "regions", "topics")
        )

    def for_links(self):
        """Only what a link to a piece needs: its title and address ("More on this")."""
        return self.only("title", "slug", "language", "piece_type", "published_at")

    def for_sitemap(self):
        """Only what a sitemap entry needs: the address and the dates."""
        return self.only(
            "slug",
            "language",
            "translation_key",
            "piece_type",
            "title",
            "published_at",
            "updated_at",
        )

    def for_export(self):
        """What an export row reads from the piece itself, as plain values: model instances
        would cost more than the export. ``articles.exports`` adds people, tags and projects
        per batch (a fixed number of queries per batch, never per row)."""
        return self.values(
            "pk",
            "piece_type",
            "slug",
            "language",
            "title",
            "kind",
            "status",
            "published_at",
            "word_count",
            "programme__name",
            "lead_photo__credit_text",
            "lead_photo__credit_person__name",
        )

    def sharing_tags_with(self, article, candidates=50):
        """Other pieces sharing a region or topic with ``article``, most shared tags first.

        Only the newest ``candidates`` such pieces are ranked, so the work stays bounded when
        a region tags half the archive. Reads the article's prefetched tags; one query.
        """
        regions = [tag.pk for tag in article.regions.all()]
        topics = [tag.pk for tag in article.topics.all()]
        if not (regions or topics):
            return self.none()
        in_regions = Exists(
            TaggedRegion.objects.filter(content_object=OuterRef("pk"), tag__in=regions)
        )
        in_topics = Exists(
            TaggedTopic.objects.filter(content_object=OuterRef("pk"), tag__in=topics)
        )
        shared = Count(
            "taggedregion", filter=Q(taggedregion__tag__in=regions), distinct=True
        ) + Count("taggedtopic", filter=Q(taggedtopic__tag__in=topics), distinct=True)
        newest = (
            self.filter(in_regions | in_topics)
            .exclude(pk=article.pk)
            .order_by("-published_at", "-pk")
            .values("pk")[:candidates]
        )
        return (
            self.filter(pk__in=newest)
            .annotate(shared_tags=shared)
            .order_by("-shared_tags", "-published_at", "-pk")
        )

    def front_page(self, top_stories, latest):
        """The home page's pieces of this queryset: ``lead``, ``top_stories`` (pinned),
        ``latest`` and ``sections`` (per programme), each piece once on the page."""
        pieces = self.for_listing().prefetch_related(None)
        # The lead and the pinned top stories in one query; the newest piece leads when none is.
        picked = list(pieces.filter(Q(is_featured=True) | Q(is_top_story=True))[: top_stories + 4])
        lead = next((piece for piece in picked if piece.is_featured), None)
        top = [piece for piece in picked if piece.is_top_story and piece != lead][:top_stories]
        shown = [piece.pk for piece in [lead, *top] if piece]
        newest = list(pieces.exclude(pk__in=shown)[: latest + (lead is None)])
        if lead is None and newest:
            lead = newest.pop(0)
        # Each piece once on the page: the sections show what the lead, top and latest do not.
        shown = [piece.pk for piece in [lead, *top, *newest] if piece]
        sections = list(pieces.exclude(pk__in=shown).latest_per_programme()) if lead else []
        # Every teaser's authors in one query, not one per block of the page.
        models.prefetch_related_objects(
            [p for p in [lead, *top, *newest, *sections] if p], "authors"
        )
        return {"lead": lead, "top_stories": top, "latest": newest, "sections": sections}

    def latest_per_programme(self, per_programme=4):
        """The newest pieces of each programme, in one query: for each programme (they are
        few) a small LIMIT subquery on the (programme, published_at) index. A window over
        every published row grew with the archive."""
        programmes = self.model._meta.get_field("programme").related_model.objects
        programme_ids = ContentVersion.cached(
            "programme-ids", lambda: list(programmes.order_by("pk").values_list("pk", flat=True))
        )
        if not programme_ids:
            return self.none()
        newest = Q()
        for pk in programme_ids:
            latest = self.filter(programme=pk).order_by("-published_at", "-pk")
            newest |= Q(pk__in=latest.values("pk")[:per_programme])
        return self.filter(newest).order_by("programme__name", "-published_at", "-pk")
