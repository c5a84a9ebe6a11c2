"""The version of everything readers see: what the page cache and cached counts key on.

Imports no other model module (the piece model is looked up by name), so settings rows,
querysets and renditions can all use it.
"""

import secrets

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import models, transaction
from django.db.models import Subquery
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.urls import get_script_prefix
from django.utils import timezone

from articles.languages import edition_language


def _pieces():
    return apps.get_model("articles", "Article").objects


class ContentVersion(models.Model):
    """One row naming the current state of everything readers see, for the page cache.

    Any save or delete of public content gives it a new random ``token`` (random, not a
    counter: a rolled-back transaction must never bring an old token, and the pages cached
    under it, back). ``next_publish_at`` is the time of the next scheduled piece, so cached
    pages expire at that second. Kept in the database, in the same transaction as the change:
    every process and node sees the new token exactly when it sees the new content.
    """

    # Bumps made by this process (the remembered version is read again at once when it moves).
    local_changes = 0
    # (token, next publication as epoch seconds or None, read at, local_changes then)
    _remembered = None
    # Markup many pages share (the masthead, the footer, teasers), rendered once per version in
    # this process: (token, {key: markup}).
    _fragments = (None, {})
    FRAGMENTS_KEPT = 5000

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
        """A new token and the next scheduled publication time (two queries). Signals call it
        for every change of public content; bulk writes (which send none) call it themselves.
        This process trusts the new version at once; after the commit it reads it again."""
        now = timezone.now()
        next_at = (
            _pieces()
            .scheduled(at=now)
            .order_by("published_at")
            .values_list("published_at", flat=True)
            .first()
        )
        values = {"token": secrets.randbits(62), "next_publish_at": next_at, "changed_at": now}
        if not cls.objects.filter(pk=1).update(**values):
            cls.objects.update_or_create(pk=1, defaults=values)
        cls.local_changes += 1
        next_publish = next_at.timestamp() if next_at else None
        cls._remembered = (values["token"], next_publish, now.timestamp(), cls.local_changes)
        transaction.on_commit(cls._changed)  # other threads may have read the old row meanwhile

    @classmethod
    def _changed(cls):
        cls.local_changes += 1

    @classmethod
    def current(cls, now=None):
        """(token, next publication in epoch seconds or None) as this process trusts it: read
        at most once a ``KAZCMS_CONTENT_VERSION_SECONDS``, at once after a change made here
        and once the next scheduled piece is due."""
        now = timezone.now().timestamp() if now is None else now
        memo = cls._remembered
        if (
            memo is None
            or now - memo[2] >= settings.KAZCMS_CONTENT_VERSION_SECONDS
            or (memo[1] is not None and now >= memo[1])
            or memo[3] != cls.local_changes
        ):
            changes = cls.local_changes
            token, next_at = cls.read()
            if next_at is not None and next_at.timestamp() <= now:
                cls.refresh_schedule(timezone.now())
                token, next_at = cls.read()
            memo = (token, next_at.timestamp() if next_at else None, now, changes)
            cls._remembered = memo
        return memo[0], memo[1]

    @classmethod
    def forget(cls):
        """Drop the remembered version and the fragments kept under it (tests: a rolled-back
        one must not be trusted)."""
        cls._remembered = None
        cls._fragments = (None, {})

    @classmethod
    def fragment(cls, key, render):
        """``render()``'s markup, kept in this process until the content changes: for markup
        that depends on nothing but the content and the edition, and that many pages share.
        In process memory, not the cache: a hit costs a dict lookup, not a round trip. A new
        version drops every fragment of the old one; past ``FRAGMENTS_KEPT`` they start over."""
        token, _next_publish = cls.current()
        kept_token, kept = cls._fragments
        if kept_token != token or len(kept) >= cls.FRAGMENTS_KEPT:
            kept = {}
            cls._fragments = (token, kept)
        key = (edition_language(), get_script_prefix(), *key)
        markup = kept.get(key)
        if markup is None:
            markup = kept[key] = render()
        return markup

    @classmethod
    def cached(cls, name, compute, seconds=600, keep=None):
        """``compute()``, kept in the default cache until the content changes (or the next
        scheduled piece is due): for counts and lists that would scan the archive. Kept per
        edition: the same name counts or lists another edition's pieces, in its language.
        ``keep(value)`` false: the value is returned but not kept."""
        now = timezone.now().timestamp()
        token, next_publish = cls.current(now)
        key = f"content:{token:x}:{edition_language()}:{name}"
        entry = cache.get(key)
        # The entry carries its own end, read with the site's clock: the backend's whole
        # seconds could keep it past the scheduled second.
        if entry is not None and now < entry[0]:
            return entry[1]
        value = compute()
        until = min(now + seconds, next_publish or now + seconds)
        if until > now and (keep is None or keep(value)):
            cache.set(key, (until, value), timeout=int(until - now) + 1)
        return value

    @classmethod
    def refresh_schedule(cls, now):
        """Once the next scheduled piece is public, find the one after it (no new token: pages
        cached before it expired at its second)."""
        cls.objects.filter(pk=1, next_publish_at__lte=now).update(
            next_publish_at=Subquery(
                _pieces().scheduled(at=now).order_by("published_at").values("published_at")[:1]
            )
        )


# Apps whose models readers see (matched by label: ``articles`` imports no app above it), and
# the models of those apps readers never see.
CONTENT_APPS = {"articles", "interviews", "newsletter", "taggit"}
NOT_CONTENT = {
    "articles.auditevent",
    "articles.contentversion",
    # Outsiders' preview links and their views, and sealed identities: never on a public page.
    "articles.previewlink",
    "articles.previewlinkview",
    "articles.sealedidentity",
    "newsletter.subscriber",
    # Mailings and their send log: a send writes a row per reader, no page shows them.
    "newsletter.mailing",
    "newsletter.mailingpiece",
    "newsletter.delivery",
}


def _content_changed(sender, action=None, **kwargs):
    if action is not None and not action.startswith("post_"):
        return  # m2m_changed: once, after the change
    meta = getattr(sender, "_meta", None)
    if meta is None or meta.apps is not apps:
        return  # a migration's historical model: the version table may not exist yet
    if meta.app_label in CONTENT_APPS and meta.label_lower not in NOT_CONTENT:
        ContentVersion.bump()


def _settings_changed(**kwargs):
    ContentVersion._fragments = (None, {})  # a test changed what fragments say (the site name)


setting_changed.connect(_settings_changed, dispatch_uid="content_fragments")


def watch_content_changes():
    """Every save, delete and many-to-many change of public content, in any process (admin,
    shell, command), bumps the content version; connected once, from ``ArticlesConfig.ready``."""
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_content_changed, dispatch_uid="content_version")
