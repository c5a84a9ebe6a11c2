"""Pieces: the articles every kind of content extends, their queryset recipes and links."""

import uuid

from django.apps import apps
from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import pgettext_lazy
from taggit.managers import TaggableManager

from articles.discovery.search.index import update_search_vector
from articles.languages import LanguageField, edition_url
from articles.photos.inline import photo_ids as inline_photo_ids
from articles.photos.inline import without_other_images
from articles.text import RichTextField, count_words, unique_slug

from .funding import FundingProject, Programme
from .people import Person
from .photos import Photo
from .piece_queryset import ArticleQuerySet
from .states import State
from .versions import ContentVersion
from .vocabularies import TaggedRegion, TaggedTopic


class Article(models.Model):
    """A piece: analysis, news, comment, feature; other piece types extend it.

    The piece-type contract. A piece type is a multi-table child of ``Article`` in an app
    above ``articles`` (``interviews.Interview`` is one); ``articles`` never imports it, and
    one table of pieces serves listings, feeds, search and sitemaps. To add a piece type:

    1. Subclass ``Article`` (and ``ArticleQuerySet`` for its ``for_detail()`` recipe).
    2. Declare ``detail_url_name`` (a namespaced URL taking ``slug``), ``detail_template``
       and, if the type always has one kind, ``fixed_kind`` (a ``Kind``; no other piece may
       take it), ``restores_also`` (what else its revisions bring back, in words) and
       ``people_fields`` (the lookups to the people it names in public) and
       ``person_sections`` (the person pages' sections of its pieces, e.g. "Interviews with
       %(name)s").
    3. Extend the hooks it needs: ``search_text()`` (more words to index),
       ``structured_data_extras()`` (schema.org facts), ``publishing_problems()``.
    4. Register a ``ModelAdmin`` built on ``articles.admin.PieceAdmin``; from its app
       config's ``ready()``, register its revisions (``articles.publishing.revisions
       .register_piece``) and any export columns (``articles.exports.rows.register_columns``).
    5. Code that holds a base ``Article`` row asks ``piece_model``, ``specific()``,
       ``get_absolute_url()`` and ``admin_url()``: never split ``piece_type`` strings.
    """

    detail_url_name = "articles:detail"
    detail_template = "articles/article_detail.html"
    fixed_kind = None
    restores_also = ""  # what else a revision brings back, in the restore page's words
    # Sections a person's page gives to this type's pieces beyond the ones they wrote:
    # ``(lookup to the person, heading before their name, the role it gives them)``.
    person_sections = ()
    # The lookups from a piece to the people it names in public (Person.objects.public()).
    people_fields = ("authors", "lead_photo__credit_person")

    State = State

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"

    class Kind(models.TextChoices):
        ANALYSIS = "analysis", pgettext_lazy("kind of piece", "Analysis")
        NEWS = "news", pgettext_lazy("kind of piece", "News")
        COMMENT = "comment", pgettext_lazy("kind of piece", "Comment")
        FEATURE = "feature", pgettext_lazy("kind of piece", "Feature")
        INTERVIEW = "interview", pgettext_lazy("kind of piece", "Interview")

    title = models.CharField(max_length=255)
    slug = models.SlugField(
        max_length=255,
        blank=True,
        allow_unicode=True,
        help_text="Part of the web address. Left empty, it is made from the title.",
    )
    # Each edition has its own pieces; a translation is a piece of its own (title, slug,
    # authors, status, dates) sharing the translation key of the piece it translates.
    language = LanguageField(help_text="The edition this piece appears in.")
    translation_key = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    # A translation: the piece it was made from, and that piece's text revision it matches.
    # When the source's text moves on, the translation "may be outdated" until a translator
    # says it is up to date again.
    translated_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    source_text_revision = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # Bumped by saves that change what a translator translates (title, standfirst, body;
    # interviews add their questions and answers), not by status, date or tag changes.
    text_revision = models.PositiveIntegerField(default=0, editable=False)
    standfirst = models.TextField(
        blank=True, help_text="One or two sentences under the title that sum the piece up."
    )
    body = RichTextField(photos=True)
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
    is_top_story = models.BooleanField(
        "top story",
        default=False,
        help_text=("Pin under the lead story on the home page (the newest four pinned are shown)."),
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
    # The library photos the body shows (articles/photos/inline.py), kept on save for
    # "Where used" and to refuse deleting a photo a text still shows.
    inline_photos = models.ManyToManyField(
        Photo, related_name="inline_in", blank=True, editable=False
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
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_public_idx"),
            # The home page's newest few per programme, and its lead story, without a scan.
            models.Index(fields=["programme", "-published_at"], name="article_programme_idx"),
            models.Index(
                fields=["-published_at"],
                condition=Q(is_featured=True),
                name="article_featured_idx",
            ),
            models.Index(
                fields=["language", "status", "-published_at"], name="article_edition_idx"
            ),
            # The home page's pinned top stories, like the lead story, without a scan.
            models.Index(
                fields=["-published_at"],
                condition=Q(is_top_story=True),
                name="article_top_story_idx",
            ),
        ]
        constraints = [
            # Slugs are unique within an edition: /en/articles/almaty/ and /ru/articles/almaty/.
            models.UniqueConstraint(fields=["language", "slug"], name="article_slug_per_language"),
            models.UniqueConstraint(
                fields=["translation_key", "language"], name="article_one_translation_per_language"
            ),
        ]
        permissions = [
            ("publish_article", "Can publish, schedule and unpublish pieces"),
            ("edit_others_article", "Can edit other people's pieces and published pieces"),
            ("export_articles", "Can export article lists and donor reports"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.slug = unique_slug(
            self, self.slug or self.title, fallback="piece", within={"language": self.language}
        )
        self.body = without_other_images(sanitize_field(self, "body"))
        self.word_count = count_words(self.body)
        self.piece_type = self._meta.label_lower
        if self.fixed_kind:
            self.kind = self.fixed_kind
        elif self.kind not in self.allowed_kinds():
            raise ValueError(f"A {self._meta.verbose_name} cannot be of kind {self.kind!r}.")
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        if self.published_at is not None:
            # Whole seconds, as the admin's date and time fields post it back: otherwise
            # the first re-save reads as a new publication time.
            self.published_at = self.published_at.replace(microsecond=0)
        if self._text_changed():
            self.text_revision = (self.text_revision or 0) + 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "text_revision"}
        self.version = (self.version or 0) + 1
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "version", "updated_at"}
        super().save(*args, **kwargs)
        if kwargs.get("update_fields") is None or "body" in kwargs["update_fields"]:
            ids = inline_photo_ids(self.body)
            self.inline_photos.set(Photo.objects.filter(pk__in=ids) if ids else [])
        self.update_search_vector()

    def get_absolute_url(self):
        # Always the piece's own edition, whichever edition links to it.
        return edition_url(self.piece_model.detail_url_name, self.language, slug=self.slug)

    @cached_property
    def published_translations(self):
        """The other published editions of this piece: the language switcher and the
        ``hreflang`` alternates of its page. ``for_detail()`` reads them with the piece;
        elsewhere, one query."""
        return list(
            Article.objects.published()
            .filter(translation_key=self.translation_key)
            .exclude(pk=self.pk)
            .only("slug", "language", "piece_type", "title")
            .order_by("language")
        )

    TRANSLATED_FIELDS = ("title", "standfirst", "body")

    def _text_changed(self):
        """Whether this save changes the text a translation follows (one query)."""
        if self.pk is None:
            return False
        before = type(self)._base_manager.filter(pk=self.pk).values(*self.TRANSLATED_FIELDS)
        before = before.first()
        return before is not None and any(
            before[name] != getattr(self, name) for name in self.TRANSLATED_FIELDS
        )

    @property
    def may_be_outdated(self):
        """A translation whose source's text changed after it was last brought up to date
        (reads ``translated_from``: select it with the piece)."""
        source = self.translated_from
        return (
            source is not None
            and self.source_text_revision is not None
            and source.text_revision > self.source_text_revision
        )

    def translate_into(self, language, user):
        """A new draft in ``language`` sharing this piece's translation key and structure
        (photo, tags, projects, programme, kind; piece types copy their own parts in
        ``copy_structure_to``), for a translator to fill. Raises ValueError if that language
        already has this piece."""
        if language not in dict(settings.LANGUAGES) or language == self.language:
            raise ValueError(f"{language!r} is not another language of the site.")
        siblings = Article.objects.filter(translation_key=self.translation_key)
        if siblings.filter(language=language).exists():
            raise ValueError("This piece already has a version in that language.")
        model = self.piece_model
        draft = model(
            title=self.title,
            language=language,
            translation_key=self.translation_key,
            translated_from=self,
            source_text_revision=self.text_revision,
            status=Article.Status.DRAFT,
            kind=self.kind,
            programme=self.programme,
            lead_photo=self.lead_photo,
            created_by=user,
            updated_by=user,
        )
        self.copy_structure_to(draft)
        draft.save()
        draft.regions.set(self.regions.all())
        draft.topics.set(self.topics.all())
        draft.projects.set(self.projects.all())
        self.copy_relations_to(draft)
        return draft

    def copy_structure_to(self, draft):
        """Fields of a piece type a translation starts with (none here)."""

    def copy_relations_to(self, draft):
        """Related rows of a piece type a saved translation starts with (none here)."""

    def translations(self):
        """Every other version of this piece, in any state, by language (the admin panel)."""
        return (
            Article.objects.filter(translation_key=self.translation_key)
            .exclude(pk=self.pk)
            .order_by("language")
        )

    # --- the piece-type contract (see the class docstring) --------------------------------

    @property
    def piece_model(self):
        """The most specific class of this piece, also when read as a base ``Article`` row."""
        return apps.get_model(self.piece_type)

    def specific(self, *, lock=False):
        """This piece read afresh as an instance of its most specific class (one query);
        ``lock`` reads it ``select_for_update`` inside the caller's transaction."""
        model = self.piece_model
        rows = model._default_manager.select_for_update() if lock else model._default_manager
        return rows.get(pk=self.pk)

    def admin_url(self, view="change"):
        """The admin address of this piece's own admin: ``change``, ``history``, ``delete``…"""
        opts = self.piece_model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[self.pk])

    @classmethod
    def piece_types(cls):
        """Every concrete piece class: ``Article`` and the types built on it."""
        return [model for model in apps.get_models() if issubclass(model, Article)]

    @classmethod
    def allowed_kinds(cls):
        """The kinds a piece of this class may have: its ``fixed_kind``, or every kind no
        piece type fixes."""
        if cls.fixed_kind:
            return [cls.fixed_kind]
        fixed = {model.fixed_kind for model in cls.piece_types() if model.fixed_kind}
        return [kind for kind in cls.Kind.values if kind not in fixed]

    def structured_data_extras(self, absolute_url):
        """schema.org facts a piece type adds to its JSON-LD description (none here)."""
        return {}

    def clean(self):
        if self.fixed_kind:
            self.kind = self.fixed_kind
        elif self.kind not in self.allowed_kinds():
            raise ValidationError({"kind": "Choose one of the kinds offered for this piece."})
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
    def state(self):
        """The ``State`` of this piece now; agrees with ``state_q`` (tested)."""
        if self.status != self.Status.PUBLISHED:
            return State(self.status)
        if self.published_at is not None and self.published_at <= timezone.now():
            return State.PUBLISHED
        return State.SCHEDULED

    @property
    def is_scheduled(self):
        """Published with a time still to come: it appears by itself at that time."""
        return self.state == State.SCHEDULED

    @property
    def state_label(self):
        """The state as editors say it: Draft, In review, Scheduled or Published."""
        return self.state.label

    def corrections_in_order(self):
        """Correction and update notes, oldest first (read with the piece by for_detail)."""
        return list(self.corrections.all())

    @property
    def last_noted_at(self):
        """When the latest correction or update note was made, for the "Updated" line."""
        notes = self.corrections_in_order()
        return notes[-1].noted_at if notes else None

    @property
    def is_public(self):
        return self.state == State.PUBLISHED

    @property
    def modified_at(self):
        """When readers last saw the piece change, for feeds, sitemaps and structured data:
        its last edit, or its publication when that came later (a scheduled piece)."""
        return max(filter(None, [self.updated_at, self.published_at]))

    @property
    def display_date(self):
        """The house date format: “Thursday, 28 July, 2016”, in the edition's language (``E``:
        the month as a date says it, “3 декабря”, where ``F`` would say “3 Декабрь”)."""
        if not self.published_at:
            return ""
        return date_format(timezone.localtime(self.published_at), "l, j E, Y")

    def related_articles(self):
        """Published related pieces in the editor's order (read with the piece by for_detail)."""
        return [link.to_article for link in self.related_links.all()]

    def search_text(self):
        """The words search finds this piece by, by weight: A title, B standfirst, C the rest,
        D its authors' names and its regions' and topics' names.

        Subclasses extend it (interviews add their questions and answers).
        """
        text = {"A": self.title, "B": self.standfirst, "C": self.body, "D": ""}
        if self.pk:  # who wrote it and where it is filed: renames refresh it (search.jobs)
            tags = [*self.regions.all(), *self.topics.all()]
            names = [
                *self.authors.values_list("name", flat=True),
                # Found by its names in the piece's language and in the default one.
                *dict.fromkeys(
                    name
                    for tag in tags
                    for name in (tag.name, tag.translated("name", self.language))
                ),
            ]
            text["D"] = "\n".join(names)
        return text

    def update_search_vector(self):
        """Store this piece's search vector (one UPDATE; nothing to do on SQLite)."""
        update_search_vector(self)

    MORE_ON_THIS = 4

    def more_on_this(self):
        """The editor's related pieces; without any, published pieces sharing regions/topics.

        The ranking is the piece page's costliest query and grows with a tag's pieces: kept
        until the content changes."""
        return (
            self.related_articles()
            or ContentVersion.cached(
                f"more-on-this:{self.pk}",
                lambda: list(
                    Article.objects.published()
                    .in_edition(self.language)  # in the reader's language, like the page
                    .for_links()
                    .sharing_tags_with(self)[: self.MORE_ON_THIS]
                ),
            )
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
