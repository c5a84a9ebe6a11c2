"""People the newsroom names: authors, interviewees, photographers."""

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.urls import reverse

from .base import SluggedModel


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
                    named |= Q(pk__in=published.values(lookup))
        return self.filter(named)


class Person(SluggedModel):
    """Anyone the newsroom names: authors, interviewees, photographers."""

    role = models.CharField(
        "role or affiliation",
        max_length=300,
        blank=True,
        help_text="E.g. “senior analyst for Eurasia at a risk consultancy”.",
    )
    bio = models.TextField("short bio", blank=True)

    objects = PersonQuerySet.as_manager()

    class Meta(SluggedModel.Meta):
        verbose_name_plural = "people"

    def get_absolute_url(self):
        return reverse("articles:person", kwargs={"slug": self.slug})
