"""Site-wide texts staff edit (the newsletter keeps its own, in ``newsletter``)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import Resolver404, resolve
from django.utils.translation import gettext_noop

from articles.languages import edition_url
from articles.text import RichTextField

from .base import SingletonModel, SluggedModel
from .translatable import TranslatableModel


class SiteSettings(SingletonModel, TranslatableModel):
    """Site-wide texts staff edit: the donation call under pieces, and the footer line."""

    translatable_fields = ("donate_title", "donate_text", "footer_text")

    # The shipped texts are in the interface catalogue: every edition has them in its language.
    donate_title = models.CharField(
        max_length=100, default=gettext_noop("Support local journalists")
    )
    donate_text = models.CharField(
        max_length=300,
        default=gettext_noop(
            "Independent reporting from Central Asia depends on readers like you."
        ),
    )
    donate_url = models.CharField(
        "donation address", max_length=300, blank=True, help_text="Empty: no link."
    )
    footer_text = models.CharField(
        max_length=300, blank=True, help_text="A line in the footer of every page. Empty: none."
    )
    # The newsroom's own accounts, linked from the footer (plain links: no widget, no tracker).
    telegram_url = models.URLField("Telegram channel", blank=True)
    facebook_url = models.URLField("Facebook page", blank=True)
    x_url = models.URLField("X account", blank=True)
    youtube_url = models.URLField("YouTube channel", blank=True)
    instagram_url = models.URLField("Instagram account", blank=True)

    def social_links(self):
        """``(network, address)`` of each account the newsroom filled in."""
        return [
            (label, url)
            for label, url in [
                ("Telegram", self.telegram_url),
                ("Facebook", self.facebook_url),
                ("X", self.x_url),
                ("YouTube", self.youtube_url),
                ("Instagram", self.instagram_url),
            ]
            if url
        ]

    class Meta:
        verbose_name = "site settings"
        verbose_name_plural = "site settings"


class SitePage(SluggedModel, TranslatableModel):
    """A simple page staff edit (About, Contact, Editorial policy, Donate), at ``/<slug>/`` in
    every edition, in each language it is written in; the footer links those marked for it."""

    translatable_fields = ("name", "description", "body")

    body = RichTextField()
    description = models.CharField(
        max_length=300, blank=True, help_text="One sentence for search engines and link previews."
    )
    in_footer = models.BooleanField("linked from the footer", default=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in the footer.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(SluggedModel.Meta):
        ordering = ["position", "name"]
        verbose_name = "page"

    def get_absolute_url(self):
        return edition_url("page", slug=self.slug)

    def save(self, *args, **kwargs):
        self.body = self._meta.get_field("body").sanitize(self.body or "")  # as for pieces
        super().save(*args, **kwargs)

    @classmethod
    def footer_links(cls):
        """``(name, address)`` of the pages the footer links, in their order (one query)."""
        pages = cls.objects.filter(in_footer=True).only("name", "slug", "translations")
        return [(page.local_name, page.get_absolute_url()) for page in pages]

    def clean(self):
        # A page must not sit at an address the site already uses ("articles", "search", …).
        if not self.slug:
            return
        # At the root (/admin/) or in an edition (/en/search/).
        for path in (f"/{self.slug}/", f"/{settings.LANGUAGE_CODE}/{self.slug}/"):
            try:
                match = resolve(path)
            except Resolver404:
                continue
            if match.url_name != "page":
                raise ValidationError(
                    {"slug": f"“/{self.slug}/” is already an address of the site. Choose another."}
                )
