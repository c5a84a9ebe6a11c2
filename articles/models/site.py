"""Site-wide texts staff edit (the newsletter keeps its own, in ``newsletter``), and the
version of the public content the page cache keys on."""

import secrets

from django.db import models, transaction
from django.db.models import Subquery
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from .base import SingletonModel
from .pieces import Article


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


class ContentVersion(models.Model):
    """One row naming the current state of everything readers see, for the page cache.

    Any save or delete of public content gives it a new random ``token`` (random, not a
    counter: a rolled-back transaction must never bring an old token, and the pages cached
    under it, back). ``next_publish_at`` is the time of the next scheduled piece, so cached
    pages expire at that second. Kept in the database, in the same transaction as the change:
    every process and node sees the new token exactly when it sees the new content.
    """

    # Bumps made by this process (a page cache re-reads the row at once when it moves).
    local_changes = 0

    token = models.BigIntegerField(default=0)
    next_publish_at = models.DateTimeField(null=True, blank=True)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "content version"

    def __str__(self):
        return f"Content version {self.token:x}"

    @classmethod
    def read(cls):
        """(token, next_publish_at) in one query; the row is made on first use."""
        row = cls.objects.filter(pk=1).values_list("token", "next_publish_at").first()
        if row is None:
            cls.bump()
            row = cls.objects.filter(pk=1).values_list("token", "next_publish_at").first()
        return row

    @classmethod
    def bump(cls):
        """A new token and the next scheduled publication time, in one UPDATE. Signals call it
        for every change of public content; bulk writes (which send none) call it themselves."""
        values = {
            "token": secrets.randbits(62),
            "next_publish_at": Subquery(
                Article.objects.scheduled().order_by("published_at").values("published_at")[:1]
            ),
            "changed_at": timezone.now(),
        }
        if not cls.objects.filter(pk=1).update(**values):
            cls.objects.get_or_create(pk=1)
            cls.objects.filter(pk=1).update(**values)
        cls._changed()
        transaction.on_commit(cls._changed)  # other threads may have read the old row meanwhile

    @classmethod
    def _changed(cls):
        cls.local_changes += 1

    @classmethod
    def refresh_schedule(cls, now):
        """Once the next scheduled piece is public, find the one after it (no new token: pages
        cached before it expired at its second)."""
        cls.objects.filter(pk=1, next_publish_at__lte=now).update(
            next_publish_at=Subquery(
                Article.objects.scheduled(at=now)
                .order_by("published_at")
                .values("published_at")[:1]
            )
        )


# Apps whose models readers see (matched by label: ``articles`` imports no app above it), and
# the models of those apps readers never see.
CONTENT_APPS = {"articles", "interviews", "newsletter", "taggit"}
NOT_CONTENT = {"articles.auditevent", "articles.contentversion", "newsletter.subscriber"}


def _content_changed(sender, action=None, **kwargs):
    if action is not None and not action.startswith("post_"):
        return  # m2m_changed: once, after the change
    meta = getattr(sender, "_meta", None)
    if meta and meta.app_label in CONTENT_APPS and meta.label_lower not in NOT_CONTENT:
        ContentVersion.bump()


def watch_content_changes():
    """Every save, delete and many-to-many change of public content, in any process (admin,
    shell, command), bumps the content version; connected once, from ``ArticlesConfig.ready``."""
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_content_changed, dispatch_uid="content_version")
