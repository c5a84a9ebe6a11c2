"""The base of named things: a unique, never-empty slug made from the name."""

from django.db import models

from articles.text import unique_slug


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
