"""Site-wide texts staff edit (the newsletter keeps its own, in ``newsletter``)."""

from django.db import models


class SiteSettings(models.Model):
    """Site-wide texts staff edit: the donation call under pieces, and the footer line."""

    donate_title = models.CharField(max_length=100, default="Support local journalists")
    donate_text = models.CharField(
        max_length=300,
        default="Independent reporting from Central Asia depends on readers like you.",
    )
    donate_url = models.CharField(
        "donation address", max_length=300, blank=True, help_text="Empty: no link."
    )
    footer_text = models.CharField(
        max_length=300, blank=True, help_text="A line in the footer of every page. Empty: none."
    )

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
