"""People the newsroom names: authors, interviewees, photographers."""

from django.db import models
from django.urls import reverse

from articles.discovery.search import jobs as search_jobs

from .base import SluggedModel


class Person(SluggedModel):
    """Anyone the newsroom names: authors, interviewees, photographers."""

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

    class Meta(SluggedModel.Meta):
        verbose_name_plural = "people"

    def save(self, *args, **kwargs):
        old = type(self)._base_manager.filter(pk=self.pk).values_list("name", flat=True).first()
        super().save(*args, **kwargs)
        if old is not None and old != self.name:  # their pieces are indexed by their name
            search_jobs.refresh_later(search_jobs.pieces_naming(self))

    def get_absolute_url(self):
        return reverse("articles:person", kwargs={"slug": self.slug})
