"""Mailings of “Frontline Updates”: what an editor composes, and one delivery per reader.

A ``Mailing`` has a subject, a rich-text intro (sanitized like piece bodies) and published
pieces in the editor's order (``MailingPiece.position``). Sending it (``sending.py``) writes
one ``Delivery`` per confirmed subscriber: the unique (mailing, subscriber) pair and the
claim-then-mark steps of a delivery are what make every address get a mailing once at most.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.text import RichTextField


class Mailing(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"

    subject = models.CharField(max_length=200)
    intro = RichTextField(help_text="A few lines above the pieces; links allowed.")
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    send_at = models.DateTimeField(
        "send at",
        null=True,
        blank=True,
        help_text="For “Schedule”: when the worker starts sending. “Send now” ignores it.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    started_at = models.DateTimeField(null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"
        permissions = [("send_mailing", "Can send mailings to subscribers")]

    def __str__(self):
        return self.subject

    def save(self, *args, **kwargs):
        self.intro = self._meta.get_field("intro").sanitize(self.intro or "")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        # Mailings have no public page: the browser preview is the staff's view of one.
        return reverse("admin:newsletter_mailing_preview", args=[self.pk])

    @property
    def is_editable(self):
        return self.status == self.Status.DRAFT

    def ordered_pieces(self):
        """The chosen pieces still published, in the editor's order (one query)."""
        items = self.items.select_related("piece__lead_photo").order_by("position", "pk")
        published = set(
            Article.objects.published()
            .filter(mailing_items__mailing=self)
            .values_list("pk", flat=True)
        )
        return [item.piece for item in items if item.piece_id in published]

    def send_log(self):
        """Counts per delivery state, and readers who unsubscribed after sending started."""
        counts = dict(
            self.deliveries.values_list("status").annotate(n=models.Count("pk")).order_by()
        )
        pending = sum(counts.get(s, 0) for s in Delivery.IN_FLIGHT)
        unsubscribed = 0
        if self.started_at:
            unsubscribed = self.deliveries.filter(
                subscriber__unsubscribed_at__gte=self.started_at
            ).count()
        return {
            "sent": counts.get(Delivery.Status.SENT, 0),
            "failed": counts.get(Delivery.Status.FAILED, 0),
            "interrupted": counts.get(Delivery.Status.INTERRUPTED, 0),
            "cancelled": counts.get(Delivery.Status.CANCELLED, 0),
            "pending": pending,
            "unsubscribed_since": unsubscribed,
        }


class MailingPiece(models.Model):
    """One piece in a mailing, at the editor's position."""

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="items")
    piece = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="mailing_items")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["mailing", "piece"], name="one_mailing_piece_each")
        ]

    def __str__(self):
        return f"{self.position}. {self.piece}"


class Delivery(models.Model):
    """One mailing to one subscriber: at most once, whatever crashes or retries happen."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        CLAIMED = "claimed", "Claimed by a worker"
        SENDING = "sending", "Handed to the mail server"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        # The worker stopped while the mail server had the message: it may have gone out,
        # so it is never sent again (a duplicate is worse than a gap).
        INTERRUPTED = "interrupted", "Interrupted (not resent)"
        CANCELLED = "cancelled", "Cancelled (unsubscribed)"

    IN_FLIGHT = (Status.PENDING, Status.CLAIMED, Status.SENDING)

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(
        "newsletter.Subscriber", on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    retry_at = models.DateTimeField(null=True, blank=True)  # after a temporary SMTP failure
    claim = models.CharField(max_length=32, blank=True)  # the batch that holds it
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["mailing", "subscriber"], name="one_delivery_per_subscriber"
            )
        ]
        indexes = [models.Index(fields=["mailing", "status"], name="delivery_mailing_status")]

    def __str__(self):
        return f"{self.mailing} → {self.subscriber}"
