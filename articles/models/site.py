"""Site-wide texts staff edit."""

from django.db import models


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
