from pathlib import PurePath

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from taggit.managers import TaggableManager
from taggit.models import TagBase, TaggedItemBase

from . import renditions
from .images import (
    VerifiedImageField,
    clean_filename,
    clean_upload,
    photo_upload_to,
    validate_image_file,
)
from .richtext import RichTextField, count_words
from .slugs import unique_slug


class SluggedModel(models.Model):
    """A named thing with a unique, never-empty slug the editor may change."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        blank=True,
        allow_unicode=True,
        help_text="Part of the web address. Left empty, it is made from the name.",
    )

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.slug = unique_slug(self, self.slug or self.name, fallback=self._meta.model_name)
        super().save(*args, **kwargs)


class Person(SluggedModel):
    """Anyone the newsroom names: authors, interviewees, photographers."""

    role = models.CharField(
        "role or affiliation",
        max_length=300,
        blank=True,
        help_text="E.g. “senior analyst for Eurasia at a risk consultancy”.",
    )
    bio = models.TextField("short bio", blank=True)

    class Meta(SluggedModel.Meta):
        verbose_name_plural = "people"

    def get_absolute_url(self):
        return reverse("articles:person", kwargs={"slug": self.slug})


class Programme(SluggedModel):
    """A bureau or reporting programme that runs pieces, e.g. a Central Asia bureau."""

    description = models.TextField(blank=True)
    organisation = models.CharField(
        max_length=200,
        blank=True,
        help_text="The organisation it is a project of. Empty: the site's organisation.",
    )

    def get_absolute_url(self):
        return reverse("articles:programme", kwargs={"slug": self.slug})

    @property
    def bureau_line(self):
        """The line under each piece: “<bureau> is a project of <organisation>”."""
        return f"{self.name} is a project of {self.organisation or settings.KAZCMS_ORGANISATION}"


class Funder(SluggedModel):
    """A donor that funds one or more projects."""

    url = models.URLField("website", blank=True)
    description = models.TextField(blank=True)

    def get_absolute_url(self):
        return reverse("articles:funder", kwargs={"slug": self.slug})


DEFAULT_ACKNOWLEDGEMENT = (
    "This publication was produced under {organisation} project {project}, funded by {funders}."
)


class FundingProject(SluggedModel):
    """A donor-funded project that publications are produced under."""

    funders = models.ManyToManyField(Funder, related_name="projects", blank=True)
    programme = models.ForeignKey(
        Programme, on_delete=models.SET_NULL, null=True, blank=True, related_name="projects"
    )
    description = models.TextField(blank=True)
    starts_on = models.DateField("start date", null=True, blank=True)
    ends_on = models.DateField("end date", null=True, blank=True)
    acknowledgement = models.CharField(
        "acknowledgement line",
        max_length=500,
        default=DEFAULT_ACKNOWLEDGEMENT,
        help_text="Printed under each publication. {project}, {funders} and {organisation} "
        "are filled in.",
    )

    class Meta(SluggedModel.Meta):
        verbose_name = "funding project"

    def get_absolute_url(self):
        return reverse("articles:project", kwargs={"slug": self.slug})

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The end date must be on or after the start date."})

    def covers(self, day):
        """Whether ``day`` falls within the project's dates (open ends count as covered)."""
        return (self.starts_on is None or self.starts_on <= day) and (
            self.ends_on is None or day <= self.ends_on
        )

    def acknowledgement_text(self):
        """The acknowledgement with its placeholders filled (uses prefetched funders)."""
        names = [funder.name for funder in self.funders.all()]
        funders = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
        text = self.acknowledgement or DEFAULT_ACKNOWLEDGEMENT
        for key, value in {
            "{project}": self.name,
            "{funders}": funders or "its donors",
            "{organisation}": settings.KAZCMS_ORGANISATION,
        }.items():
            text = text.replace(key, value)
        return text


DEFERRED_IMAGE = object()  # Photo loaded without its image column


class PhotoQuerySet(models.QuerySet):
    def in_public_use(self):
        """Photos that lead at least one published piece: a draft's photo stays private."""
        return self.filter(pk__in=Article.objects.published().values("lead_photo"))

    def for_credits(self):
        """Each photo with the published pieces that used it (``public_pieces``), one query."""
        return self.select_related("credit_person").prefetch_related(
            models.Prefetch(
                "articles",
                queryset=Article.objects.published().order_by("-published_at", "-pk"),
                to_attr="public_pieces",
            )
        )


class Photo(models.Model):
    """An image with caption, credit and alt text; reusable by many pieces.

    Saving a new file strips its metadata (``images``) and builds its renditions
    (``renditions``): the admin, the shell and commands share this one path.
    """

    class Licence(models.TextChoices):
        ALL_RIGHTS_RESERVED = "all-rights-reserved", "All rights reserved"
        CC_BY = "cc-by-4.0", "Creative Commons Attribution 4.0 (CC BY)"
        CC_BY_SA = "cc-by-sa-4.0", "Creative Commons Attribution-ShareAlike 4.0 (CC BY-SA)"
        CC_BY_NC = "cc-by-nc-4.0", "Creative Commons Attribution-NonCommercial 4.0 (CC BY-NC)"
        CC_BY_NC_ND = "cc-by-nc-nd-4.0", "Creative Commons BY-NC-ND 4.0"
        CC0 = "cc0-1.0", "Public domain dedication (CC0)"

    LICENCE_URLS = {
        Licence.CC_BY: "https://creativecommons.org/licenses/by/4.0/",
        Licence.CC_BY_SA: "https://creativecommons.org/licenses/by-sa/4.0/",
        Licence.CC_BY_NC: "https://creativecommons.org/licenses/by-nc/4.0/",
        Licence.CC_BY_NC_ND: "https://creativecommons.org/licenses/by-nc-nd/4.0/",
        Licence.CC0: "https://creativecommons.org/publicdomain/zero/1.0/",
    }

    image = VerifiedImageField(
        upload_to=photo_upload_to,
        width_field="width",
        height_field="height",
        validators=[validate_image_file],
        help_text="JPEG, PNG or WebP. Location, camera and owner details are removed on upload.",
    )
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    original_filename = models.CharField(max_length=255, blank=True, editable=False)
    caption = models.CharField(max_length=500, blank=True)
    alt_text = models.CharField(
        "alt text",
        max_length=300,
        blank=True,
        help_text="What the photo shows, for readers who cannot see it.",
    )
    credit_person = models.ForeignKey(
        Person,
        verbose_name="photographer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="photos",
    )
    credit_text = models.CharField(
        "credit (free text)",
        max_length=200,
        blank=True,
        help_text="Used when the photographer has no person page, e.g. an agency.",
    )
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)
    # --- photo pipeline (issue 3) ---
    copyright_holder = models.CharField(
        max_length=200,
        blank=True,
        help_text="Who owns the rights, e.g. the photographer or an agency.",
    )
    licence = models.CharField(
        max_length=30, choices=Licence.choices, default=Licence.ALL_RIGHTS_RESERVED
    )
    focal_x = models.PositiveSmallIntegerField(
        "focal point across (%)",
        default=50,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Where the subject is, from the left edge (0) to the right edge (100). "
        "Cropped versions (cards, squares) keep this point in view.",
    )
    focal_y = models.PositiveSmallIntegerField(
        "focal point down (%)",
        default=50,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="From the top edge (0) to the bottom edge (100).",
    )
    # What ``renditions`` built: read with the photo row, so pages never ask the storage.
    renditions = models.JSONField(default=dict, blank=True, editable=False)

    _stored_image_name = None  # the file name the database holds, to notice a new upload

    objects = PhotoQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        get_latest_by = "uploaded_at"

    def __str__(self):
        return self.caption or self.alt_text or f"Photo {self.pk}"

    def save(self, *args, **kwargs):
        written, stale, changed = [], [], set()
        try:
            upright = None
            if self._has_new_file():
                upright = self._store_clean_original()
                written.append(self.image.name)
                changed |= {"image", "width", "height", "original_filename"}
                changed |= {"credit_text", "copyright_holder"}
            if upright is not None or not renditions.is_current(self):
                stale += renditions.refresh(self, image=upright)
                written += renditions.file_names(self)
                changed.add("renditions")
            if kwargs.get("update_fields") is not None and changed:
                kwargs["update_fields"] = {*kwargs["update_fields"], *changed}
            super().save(*args, **kwargs)
        except BaseException:
            renditions.delete_files(self.image.storage, written)
            raise
        self._stored_image_name = self.image.name
        if stale:
            storage = self.image.storage
            transaction.on_commit(lambda: renditions.delete_files(storage, stale))

    def get_absolute_url(self):
        return self.image.url

    def delete(self, *args, **kwargs):
        names = [self.image.name, *renditions.file_names(self)]
        storage = self.image.storage
        result = super().delete(*args, **kwargs)  # ProtectedError while a piece uses it
        transaction.on_commit(lambda: renditions.delete_files(storage, names))
        return result

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        if "image" in field_names:
            stored = instance.__dict__.get("image")
            instance._stored_image_name = getattr(stored, "name", stored)
        else:  # deferred: only an assigned, unsaved file counts as new
            instance._stored_image_name = DEFERRED_IMAGE
        return instance

    def _has_new_file(self):
        if self._stored_image_name is DEFERRED_IMAGE and "image" not in self.__dict__:
            return False
        name = getattr(self.image, "name", "") or ""
        if self._stored_image_name is DEFERRED_IMAGE:
            return bool(name) and not self.image._committed
        return bool(name) and (not self.image._committed or name != self._stored_image_name)

    def _store_clean_original(self):
        """Replace the new file by its metadata-free, upright copy; offer its credits."""
        committed = self.image._committed
        incoming = self.image.name
        if not self.original_filename:
            self.original_filename = clean_filename(incoming)
        try:
            if committed:
                self.image.open("rb")
            clean = clean_upload(self.image)
        except ValidationError:
            if committed:  # stored by the caller before save(): leave nothing behind
                self.image.close()
                self.image.storage.delete(incoming)
            raise
        finally:
            if committed:
                self.image.close()
        self.prefilled = []
        if clean.credit and not (self.credit_person_id or self.credit_text):
            self.credit_text = clean.credit
            self.prefilled.append(("credit", clean.credit))
        if clean.copyright and not self.copyright_holder:
            self.copyright_holder = clean.copyright
            self.prefilled.append(("copyright holder", clean.copyright))
        stem = PurePath(self.original_filename or "photo").stem or "photo"
        self.image.save(f"{stem}.{clean.extension}", ContentFile(clean.content), save=False)
        self.width, self.height = clean.size
        if committed:  # the metadata-laden file never reached the database: remove it now
            self.image.storage.delete(incoming)
        return clean.image

    @property
    def credit(self):
        """The credit name: the photographer's, or the free text."""
        return self.credit_person.name if self.credit_person_id else self.credit_text

    @property
    def licence_url(self):
        return self.LICENCE_URLS.get(self.licence, "")

    @property
    def picture(self):
        """Full-width responsive sources (see ``renditions.picture``)."""
        return renditions.picture(self, "full")

    @property
    def card_picture(self):
        """16:9 card crop around the focal point, for teasers."""
        return renditions.picture(self, "card")

    @property
    def thumb_url(self):
        """A small square preview (the original while no rendition exists)."""
        return renditions.url_of(self, "thumb", 160) or self.image.url

    def as_image_object(self, request=None):
        """The schema.org ImageObject for structured data; absolute URLs given a request."""
        absolute = request.build_absolute_uri if request is not None else str
        data = {
            "@type": "ImageObject",
            "contentUrl": absolute(self.image.url),
            "url": absolute(self.image.url),
            "width": self.width,
            "height": self.height,
        }
        if self.caption:
            data["caption"] = self.caption
        if self.credit:
            data["creditText"] = self.credit
        if self.credit_person_id:
            data["creator"] = {
                "@type": "Person",
                "name": self.credit_person.name,
                "url": absolute(self.credit_person.get_absolute_url()),
            }
        if self.copyright_holder:
            data["copyrightNotice"] = self.copyright_holder
        if self.licence_url:
            data["license"] = self.licence_url
        return data


class Region(TagBase):
    class Meta:
        ordering = ["name"]

    def get_absolute_url(self):
        return reverse("articles:region", kwargs={"slug": self.slug})


class Topic(TagBase):
    class Meta:
        ordering = ["name"]

    def get_absolute_url(self):
        return reverse("articles:topic", kwargs={"slug": self.slug})


class TaggedRegion(TaggedItemBase):
    tag = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="tagged_items")
    content_object = models.ForeignKey("Article", on_delete=models.CASCADE)

    class Meta:
        # "More on this" reads a tag's pieces from the index alone (bench/more_on_this.py).
        indexes = [
            models.Index(fields=["tag", "content_object"], name="taggedregion_tag_piece_idx")
        ]


class TaggedTopic(TaggedItemBase):
    tag = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="tagged_items")
    content_object = models.ForeignKey("Article", on_delete=models.CASCADE)

    class Meta:
        indexes = [models.Index(fields=["tag", "content_object"], name="taggedtopic_tag_piece_idx")]


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
        from .search import update_search_vector  # search builds on these models

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


class SiteSettings(models.Model):
    """Site-wide texts staff edit: the newsletter and donation calls under every piece."""

    newsletter_title = models.CharField(max_length=100, default="Frontline Updates")
    newsletter_text = models.CharField(
        max_length=300,
        default="Our reporters' stories from the region, in your inbox every week.",
    )
    newsletter_url = models.CharField(
        "newsletter sign-up address", max_length=300, blank=True, help_text="Empty: no link."
    )
    donate_title = models.CharField(max_length=100, default="Support local journalists")
    donate_text = models.CharField(
        max_length=300,
        default="Independent reporting from Central Asia depends on readers like you.",
    )
    donate_url = models.CharField(
        "donation address", max_length=300, blank=True, help_text="Empty: no link."
    )
    footer_text = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = "site settings"
        verbose_name_plural = "site settings"

    def __str__(self):
        return "Site settings"

    def save(self, *args, **kwargs):
        self.pk = 1  # a single row
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        """The settings row, or the defaults while staff have not saved any (no write on read)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)


# --- Editorial workflow (issue 5): corrections and the audit trail --------------------------


class Correction(models.Model):
    """A dated note appended to a published piece; readers see it at the foot of the piece."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        UPDATE = "update", "Update"

    piece = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CORRECTION)
    text = models.TextField(help_text="What was wrong and what is right now, or what is new.")
    noted_at = models.DateTimeField(
        "date", default=timezone.now, help_text="Shown to readers beside the note."
    )

    class Meta:
        ordering = ["noted_at", "pk"]
        get_latest_by = "noted_at"
        verbose_name = "correction or update"
        verbose_name_plural = "corrections and updates (shown to readers at the foot)"

    def __str__(self):
        return f"{self.get_kind_display()} of {date_format(timezone.localtime(self.noted_at))}"

    def get_absolute_url(self):
        return self.piece.get_absolute_url()

    @property
    def display_date(self):
        return date_format(timezone.localtime(self.noted_at), "j F Y, H:i")


class AuditEvent(models.Model):
    """Who moved a piece through the workflow, and when; never edited, only appended."""

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        SUBMITTED = "submitted", "Submitted for review"
        RETURNED = "returned", "Sent back to draft"
        PUBLISHED = "published", "Published"
        SCHEDULED = "scheduled", "Scheduled"
        UNPUBLISHED = "unpublished", "Unpublished"
        RESTORED = "restored", "Restored a revision"
        CORRECTED = "corrected", "Added a correction or update"
        DELETED = "deleted", "Deleted"

    piece = models.ForeignKey(
        Article, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_events"
    )
    piece_title = models.CharField(max_length=255, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        get_latest_by = "at"
        verbose_name = "audit event"

    def __str__(self):
        return f"{self.get_action_display()}: {self.piece_title}"
