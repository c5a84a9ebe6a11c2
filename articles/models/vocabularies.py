"""The two tag vocabularies pieces are filed under: regions (countries) and topics."""

from django.db import models
from django.db.models import Count, Q
from taggit.models import TagBase, TaggedItemBase

from articles.discovery.search import jobs as search_jobs
from articles.languages import edition_url

from .states import State, state_q
from .translatable import TranslatableModel


class VocabularyQuerySet(models.QuerySet):
    def with_published_counts(self, language):
        """The terms readers of an edition can browse: each with ``pieces``, how many published
        pieces in ``language`` carry it; a term with none (or only drafts) is left out."""
        published = state_q(State.PUBLISHED, prefix="articles__") & Q(articles__language=language)
        return self.annotate(pieces=Count("articles", filter=published, distinct=True)).filter(
            pieces__gt=0
        )


class Vocabulary(TagBase, TranslatableModel):
    """A tag readers browse, whose names (one per language) are in the search vector of the
    pieces filed under it."""

    translatable_fields = ("name", "description")

    description = models.TextField(
        "introduction",
        blank=True,
        help_text="A few sentences at the top of its page: what readers find here.",
    )

    objects = VocabularyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        old = type(self)._base_manager.filter(pk=self.pk).values("name", "translations").first()
        super().save(*args, **kwargs)
        if old is not None and (old["name"], old["translations"]) != (
            self.name,
            self.translations,
        ):
            pieces = self.tagged_items.values_list("content_object_id", flat=True)
            search_jobs.refresh_later(pieces)


class Region(Vocabulary):
    class Meta:
        ordering = ["name"]

    def get_absolute_url(self):
        return edition_url("articles:region", slug=self.slug)


class Topic(Vocabulary):
    class Meta:
        ordering = ["name"]

    def get_absolute_url(self):
        return edition_url("articles:topic", slug=self.slug)


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
