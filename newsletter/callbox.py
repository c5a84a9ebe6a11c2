"""The newsletter's own texts, edited by staff: its name and its pitch, shown in the call box
under pieces, on the sign-up pages and in its emails. Here, not in ``articles``' site settings,
because the newsletter builds on the articles app, never the reverse."""

from django.db import models
from django.utils.translation import gettext_noop

from articles.models import SingletonModel, TranslatableModel


class NewsletterSettings(SingletonModel, TranslatableModel):
    """A single row; ``load()`` gives the defaults until staff save it. The shipped texts are
    in the interface catalogue, so every edition has them in its language."""

    translatable_fields = ("title", "text")

    title = models.CharField(
        "newsletter name",
        max_length=100,
        default=gettext_noop("Frontline Updates"),
        help_text="The call box heading, the sign-up pages and the emails use it.",
    )
    text = models.CharField(
        "call box text",
        max_length=300,
        default=gettext_noop("Our reporters' stories from the region, in your inbox every week."),
        help_text="One or two sentences under the name, in the call box and on the sign-up page.",
    )

    class Meta:
        verbose_name = "newsletter settings"
        verbose_name_plural = "newsletter settings"
