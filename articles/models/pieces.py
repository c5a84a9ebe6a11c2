"""Pieces: the articles every kind of content extends, their queryset recipes and links."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from taggit.managers import TaggableManager

from articles.text import RichTextField, count_words, unique_slug

from .funding import FundingProject, Programme
from .people import Person
from .photos import Photo
from .vocabularies import TaggedRegion, TaggedTopic


class ArticleQuerySet(models.QuerySet):
    def published(self, at=None):
        """What anonymous readers may see: published, and its time has come."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=at or timezone.now())

    def for_listing(self):
        """What a teaser needs: photo, credit, programme and authors (never the search vector)."""
        return (
            self.defer("search_vector")
            .select_related("lead_photo__credit_person", "programme")
            .prefetch_related("authors")
        )

    def for_detail(self):
        """Everything an article page shows, in a fixed number of queries."""
        return (
            self.defer("search_vector")
            .select_related("lead_photo__credit_person", "programme")
            .prefetch_related(
                "authors",
                "regions",
                "topics",
                "projects__funders",
                "corrections",
                models.Prefetch(
                    "related_links",
                    queryset=RelatedArticle.objects.filter(
                        to_article__in=Article.objects.published()
                    ).select_related("to_article__lead_photo"),
                ),
            )
        )

    def for_feed(self):
        """What a feed item needs: authors, regions and topics, the lead photo and its credit."""
        return (
            self.defer("search_vector")
            .select_related("lead_photo__credit_person")
            .prefetch_related("authors", "regions", "topics")
        )

    def for_sitemap(self):
        """Only what a sitemap entry needs: the address and the dates."""
        return self.only("slug", "piece_type", "title", "published_at", "updated_at")

    def for_export(self):
        """What an export row reads from the piece itself, as plain values: model instances
        would cost more than the export. ``articles.exports`` adds people, tags and projects
        per batch (a fixed number of queries per batch, never per row)."""
        return self.values(
            "pk",
            "piece_type",
            "slug",
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

    def latest_per_programme(self, per_programme=4):
        """The newest pieces of each programme, ranked in the database (one query)."""
        ranked = self.filter(programme__isnull=False).annotate(
            programme_rank=Window(
                RowNumber(),
                partition_by=F("programme"),
                order_by=[F("published_at").desc(), F("pk").desc()],
            )
        )
        return ranked.filter(programme_rank__lte=per_programme).order_by(
            "programme__name", "programme_rank"
        )


class Article(models.Model):
    """A published piece: analysis, news, comment; interviews extend it."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"

    class Kind(models.TextChoices):
        ANALYSIS = "analysis", "Analysis"
        NEWS = "news", "News"
        COMMENT = "comment", "Comment"
        FEATURE = "feature", "Feature"
        INTERVIEW = "interview", "Interview"

    title = models.CharField(max_length=255)
    slug = models.SlugField(
        max_length=255,
        unique=True,
        blank=True,
        allow_unicode=True,
        help_text="Part of the web address. Left empty, it is made from the title.",
    )
    standfirst = models.TextField(
        blank=True, help_text="One or two sentences under the title that sum the piece up."
    )
    body = RichTextField()
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ANALYSIS)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(
        "publication date and time",
        null=True,
        blank=True,
        db_index=True,
        help_text=f"In newsroom time ({settings.TIME_ZONE}). Left empty, it is set on publishing.",
    )
    is_featured = models.BooleanField(
        "lead story", default=False, help_text="Show as the lead story on the home page."
    )
    authors = models.ManyToManyField(Person, related_name="articles", blank=True)
    programme = models.ForeignKey(
        Programme,
        verbose_name="bureau / programme",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
    )
    projects = models.ManyToManyField(
        FundingProject,
        verbose_name="funding projects",
        related_name="articles",
        blank=True,
        help_text="The donor-funded projects this piece was produced under.",
    )
    lead_photo = models.ForeignKey(
        Photo, on_delete=models.PROTECT, null=True, blank=True, related_name="articles"
    )
    regions = TaggableManager(
        through=TaggedRegion, related_name="articles", blank=True, verbose_name="regions"
    )
    topics = TaggableManager(
        through=TaggedTopic, related_name="articles", blank=True, verbose_name="topics"
    )
    # Kept on save so exports and reports never load and parse every body.
    word_count = models.PositiveIntegerField(default=0, editable=False)
    # "app_label.model_name" of the most specific class: listings build the right URL
    # for every piece without touching subclass tables.
    piece_type = models.CharField(max_length=100, editable=False, default="articles.article")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Editorial workflow (articles/workflow.py): whose piece it is, who saved it last, and
    # a counter every save bumps so a stale form is refused instead of overwriting.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="last saved by",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=0, editable=False)

    # Full-text search (PostgreSQL): filled from search_text() by articles.search on every
    # save; GIN-indexed by migration. Page recipes defer it: it can be larger than the body.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        get_latest_by = "published_at"
        indexes = [models.Index(fields=["status", "-published_at"], name="article_public_idx")]
        permissions = [
            ("publish_article", "Can publish, schedule and unpublish pieces"),
            ("edit_others_article", "Can edit other people's pieces and published pieces"),
            ("export_articles", "Can export article lists and donor reports"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.slug = unique_slug(self, self.slug or self.title, fallback="piece")
        self.body = sanitize_field(self, "body")
        self.word_count = count_words(self.body)
        self.piece_type = self._meta.label_lower
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        self.version = (self.version or 0) + 1
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "version", "updated_at"}
        super().save(*args, **kwargs)
        self.update_search_vector()

    def get_absolute_url(self):
        app_label = self.piece_type.split(".", 1)[0]
        return reverse(f"{app_label}:detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.status == self.Status.PUBLISHED:
            problems = self.publishing_problems()
            if problems:
                raise ValidationError(
                    ["This piece cannot be published yet:", *problems], code="not_ready"
                )

    def publishing_problems(self):
        """What a published piece still lacks, in words an editor can act on."""
        problems = []
        if not self.title.strip():
            problems.append("Give it a title.")
        if not self.standfirst.strip():
            problems.append("Write a standfirst: one or two sentences under the title.")
        photo = self.lead_photo if self.lead_photo_id else None
        if photo is None:
            problems.append("Choose a lead photo.")
        else:
            if not photo.alt_text.strip():
                problems.append(
                    f"The lead photo “{photo}” has no alt text: add it in the photo library."
                )
            if not photo.credit.strip():
                problems.append(
                    f"The lead photo “{photo}” has no credit: choose the photographer or type "
                    "a credit line in the photo library (e.g. “Name withheld” to protect them)."
                )
        return problems

    def funding_warnings(self, newly_published=False, today=None):
        """Why a published piece does not fit its funding projects' dates, in words an editor
        can act on. Only an "ended project" note when it is being published now; an old piece
        published while its project ran is fine. Reads ``projects`` as saved."""
        if self.status != self.Status.PUBLISHED or self.published_at is None:
            return []
        day = timezone.localdate(self.published_at)
        today = today or timezone.localdate()
        warnings = []
        for project in self.projects.all():
            dates = f"{project.starts_on or '…'} to {project.ends_on or 'ongoing'}"
            if not project.covers(day):
                warnings.append(
                    f"Check the funding: this piece is dated {day.isoformat()}, outside the "
                    f"dates of the project “{project}” ({dates})."
                )
            elif newly_published and project.ends_on and project.ends_on < today:
                warnings.append(
                    f"Check the funding: the project “{project}” ended on "
                    f"{project.ends_on.isoformat()}."
                )
        return warnings

    @property
    def is_scheduled(self):
        """Published with a time still to come: it appears by itself at that time."""
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def state_label(self):
        """The state as editors say it: Draft, In review, Scheduled or Published."""
        return "Scheduled" if self.is_scheduled else self.get_status_display()

    def corrections_in_order(self):
        """Correction and update notes, oldest first (uses the for_detail prefetch)."""
        return list(self.corrections.all())

    @property
    def last_noted_at(self):
        """When the latest correction or update note was made, for the "Updated" line."""
        notes = self.corrections_in_order()
        return notes[-1].noted_at if notes else None

    @property
    def is_public(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def display_date(self):
        """The house date format: “Thursday, 28 July, 2016”."""
        if not self.published_at:
            return ""
        return date_format(timezone.localtime(self.published_at), "l, j F, Y")

    def related_articles(self):
        """Published related pieces in the editor's order (uses the for_detail prefetch)."""
        return [link.to_article for link in self.related_links.all()]

    def search_text(self):
        """The words search finds this piece by, by weight: A title, B standfirst, C the rest.

        Subclasses extend it (interviews add their questions and answers).
        """
        return {"A": self.title, "B": self.standfirst, "C": self.body}

    def update_search_vector(self):
        """Store this piece's search vector (one UPDATE; nothing to do on SQLite)."""
        from articles.discovery.search.query import (
            update_search_vector,  # search builds on these models
        )

        update_search_vector(self)

    MORE_ON_THIS = 4

    def more_on_this(self):
        """The editor's related pieces; without any, published pieces sharing regions/topics."""
        return self.related_articles() or list(
            Article.objects.published().sharing_tags_with(self)[: self.MORE_ON_THIS]
        )


def sanitize_field(instance, name):
    """Run a rich-text field's sanitizer: the admin, the shell and commands share one path."""
    return instance._meta.get_field(name).sanitize(getattr(instance, name) or "")


class RelatedArticle(models.Model):
    """A cross-reference from one piece to another, in the editor's order."""

    from_article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="related_links"
    )
    to_article = models.ForeignKey(
        Article, verbose_name="related piece", on_delete=models.CASCADE, related_name="+"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "related piece"
        constraints = [
            models.UniqueConstraint(
                fields=["from_article", "to_article"], name="unique_related_article"
            ),
            models.CheckConstraint(
                condition=~Q(from_article=F("to_article")), name="related_article_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.from_article} → {self.to_article}"

    def clean(self):
        if self.from_article_id and self.from_article_id == self.to_article_id:
            raise ValidationError({"to_article": "A piece cannot be related to itself."})
