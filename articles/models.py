from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from taggit.managers import TaggableManager
from taggit.models import TagBase, TaggedItemBase

from .images import photo_upload_to, validate_image_file
from .richtext import RichTextField
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


class Photo(models.Model):
    """An image with caption, credit and alt text; reusable by many pieces."""

    image = models.ImageField(
        upload_to=photo_upload_to,
        width_field="width",
        height_field="height",
        validators=[validate_image_file],
        help_text="JPEG, PNG or WebP.",
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

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        get_latest_by = "uploaded_at"

    def __str__(self):
        return self.caption or self.alt_text or f"Photo {self.pk}"

    def save(self, *args, **kwargs):
        name = getattr(self.image, "name", "") or ""
        if name and not (self.width and self.height):
            # FieldFile.save(..., save=False) on a new instance skips the dimension update.
            self._meta.get_field("image").update_dimension_fields(self, force=True)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.image.url

    @property
    def credit(self):
        """The credit name: the photographer's, or the free text."""
        return self.credit_person.name if self.credit_person_id else self.credit_text


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
        """What a teaser needs: photo, credit, programme and authors."""
        return self.select_related("lead_photo__credit_person", "programme").prefetch_related(
            "authors"
        )

    def for_detail(self):
        """Everything an article page shows, in a fixed number of queries."""
        return self.select_related("lead_photo__credit_person", "programme").prefetch_related(
            "authors",
            "regions",
            "topics",
            "projects__funders",
            models.Prefetch(
                "related_links",
                queryset=RelatedArticle.objects.filter(
                    to_article__in=Article.objects.published()
                ).select_related("to_article__lead_photo"),
            ),
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
    # "app_label.model_name" of the most specific class: listings build the right URL
    # for every piece without touching subclass tables.
    piece_type = models.CharField(max_length=100, editable=False, default="articles.article")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        get_latest_by = "published_at"
        indexes = [models.Index(fields=["status", "-published_at"], name="article_public_idx")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.slug = unique_slug(self, self.slug or self.title, fallback="piece")
        self.body = sanitize_field(self, "body")
        self.piece_type = self._meta.label_lower
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

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
        photo = self.lead_photo if self.lead_photo_id else None
        if photo is not None and not photo.alt_text.strip():
            problems.append(
                f"The lead photo “{photo}” has no alt text: add it in the photo library."
            )
        return problems

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
