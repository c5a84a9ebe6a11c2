"""Abstract bases: named things with a never-empty slug, and single-row settings."""

from django.db import models

from articles.text import unique_slug

from .versions import ContentVersion


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


class SingletonModel(models.Model):
    """Settings staff edit: one row, read as its defaults until staff save it."""

    class Meta:
        abstract = True

    def __str__(self):
        return self._meta.verbose_name.capitalize()

    def save(self, *args, **kwargs):
        self.pk = 1  # a single row
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        """The settings row, or the defaults while staff have not saved any (no write on read).

        Kept until the content changes (a save of it is such a change): every page shows
        these, and reading them cost two queries per page."""
        return ContentVersion.cached(
            f"singleton:{cls._meta.label_lower}",
            lambda: cls.objects.filter(pk=1).first() or cls(pk=1),
        )
