"""People the newsroom names: authors, interviewees, photographers."""

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef, Q

from articles.discovery.search import jobs as search_jobs
from articles.languages import edition_url

from .base import SluggedModel
from .translatable import TranslatableModel


class PersonQuerySet(models.QuerySet):
    def public(self):
        """People with a public role: named by a published piece as its author, its
        interviewee or its lead photo's photographer (each piece type says how, in
        ``people_fields``). Only they have a page, feeds and a sitemap entry: a source named
        only in a draft, or in nothing, must not be findable at a guessable address."""
        article = apps.get_model("articles", "Article")
        named = Q(pk__in=[])
        for model in article.piece_types():
            published = model.objects.published()
            for lookup in model.people_fields:
                if model is article or lookup not in article.people_fields:
                    # EXISTS per person, through the index on the person's column: an IN over
                    # every published piece scanned the whole archive (133 ms at 100,000).
                    named |= Q(Exists(published.filter(**{lookup: OuterRef("pk")})))
        return self.filter(named)


class Person(SluggedModel, TranslatableModel):
    """Anyone the newsroom names: authors, interviewees, photographers. Their name is one in
    every edition; their role and bio may be written per language."""

    translatable_fields = ("role", "bio")

    role = models.CharField(
        "role or affiliation",
        max_length=300,
        blank=True,
        help_text="E.g. “senior analyst for Eurasia at a risk consultancy”.",
    )
    bio = models.TextField("short bio", blank=True)
    # Readers only ever see ``name``; who is behind a pen name is in the SealedIdentity
    # (articles/models/identity.py), which only holders of its own permission open.
    is_pen_name = models.BooleanField(
        "pen name",
        default=False,
        help_text="The name is a pen name: readers and staff see only it. Who is behind it is "
        "kept in a sealed record only administrators can open.",
    )

    objects = PersonQuerySet.as_manager()

    class Meta(SluggedModel.Meta):
        verbose_name_plural = "people"

    def save(self, *args, **kwargs):
        old = type(self)._base_manager.filter(pk=self.pk).values_list("name", flat=True).first()
        super().save(*args, **kwargs)
        if old is not None and old != self.name:  # their pieces are indexed by their name
            search_jobs.refresh_later(search_jobs.pieces_naming(self))

    def get_absolute_url(self):
        return edition_url("articles:person", slug=self.slug)
