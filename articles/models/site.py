"""Site-wide texts staff edit (the newsletter keeps its own, in ``newsletter``)."""

from django.db import models

from .base import SingletonModel


class SiteSettings(SingletonModel):
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
