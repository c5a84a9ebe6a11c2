"""Preview links for outsiders: a piece's current draft, for one named recipient, for a while.

The database holds only the sha256 of each token (``secrets.token_urlsafe(32)``: 256 bits), so
a copy of the database opens no preview. A link is looked up by that hash and the stored hash is
compared in constant time; expired and revoked links answer exactly like unknown tokens.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone

from articles.client_address import truncated

from .pieces import Article

DEFAULT_LIFETIME = timedelta(days=3)
TOKEN_PREFIX_LENGTH = 6  # what staff and the audit trail see of a token


def hash_token(token):
    return hashlib.sha256(str(token).encode("utf-8", "surrogatepass")).hexdigest()


def default_expiry():
    return timezone.now() + DEFAULT_LIFETIME


class PreviewLinkQuerySet(models.QuerySet):
    def usable(self, at=None):
        """Links that open their piece now: neither revoked nor expired."""
        return self.filter(revoked_at=None, expires_at__gt=at or timezone.now())

    def for_piece_admin(self):
        """The links of a piece as its admin page lists them, with view counts (one query)."""
        return self.select_related("created_by", "revoked_by").annotate(
            view_count=Count("views"), last_viewed_at=Max("views__at")
        )

    def find(self, token):
        """The usable link for ``token``, or None; the same work for every wrong token."""
        digest = hash_token(token)
        link = self.usable().filter(token_hash=digest).select_related("piece").first()
        # The index lookup already matched; the constant-time compare keeps it so if the
        # lookup ever becomes a prefix or case-insensitive one.
        if link is None or not hmac.compare_digest(link.token_hash, digest):
            return None
        return link


class PreviewLink(models.Model):
    """One recipient's way to read a piece before it is public, until it expires or is revoked."""

    class State(models.TextChoices):
        ACTIVE = "active", "Active"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"

    piece = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="preview_links")
    recipient_name = models.CharField("recipient's name", max_length=200)
    recipient_email = models.EmailField("recipient's email")
    note = models.CharField(
        max_length=200, blank=True, help_text="Why they get it, e.g. “donor review”, “quote check”."
    )
    embargo = models.CharField(
        "embargo",
        max_length=300,
        blank=True,
        help_text="Shown on the preview, e.g. “Embargoed until 10 March, 09:00 Almaty time”.",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_prefix = models.CharField(max_length=TOKEN_PREFIX_LENGTH, editable=False)
    expires_at = models.DateTimeField("expires", default=default_expiry)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"
        verbose_name = "preview link"

    def __str__(self):
        return f"Preview for {self.recipient_name} ({self.token_prefix}…)"

    def get_absolute_url(self):
        # The link itself cannot be rebuilt from the hash: staff reach its piece's list.
        return self.piece.admin_url("preview_links")

    def issue_token(self):
        """Give the link a fresh token; returns it: the only time it exists in full."""
        token = secrets.token_urlsafe(32)
        self.token_hash = hash_token(token)
        self.token_prefix = token[:TOKEN_PREFIX_LENGTH]
        return token

    @staticmethod
    def path_for(token):
        return reverse("articles:preview_link", kwargs={"token": token})

    def state_at(self, at=None):
        if self.revoked_at is not None:
            return self.State.REVOKED
        if self.expires_at <= (at or timezone.now()):
            return self.State.EXPIRED
        return self.State.ACTIVE

    @property
    def state(self):
        return self.state_at()

    def revoke(self, by):
        """Stop the link now (idempotent: a revoked link keeps its first revocation time)."""
        updated = PreviewLink.objects.filter(pk=self.pk, revoked_at=None).update(
            revoked_at=timezone.now(), revoked_by=by
        )
        self.refresh_from_db(fields=["revoked_at", "revoked_by"])
        return bool(updated)

    def record_view(self, address):
        return self.views.create(address=truncated(address))


class PreviewLinkView(models.Model):
    """One opening of a preview link: when, and from which network (never the full address)."""

    link = models.ForeignKey(PreviewLink, on_delete=models.CASCADE, related_name="views")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    address = models.CharField("network", max_length=64, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        get_latest_by = "at"
        verbose_name = "preview link view"

    def __str__(self):
        return f"{self.link.recipient_name} at {self.at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return self.link.get_absolute_url()
