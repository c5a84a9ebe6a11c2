"""Subscribers to the “Frontline Updates” newsletter, confirmed by double opt-in."""

from django.core import signing
from django.db import models
from django.urls import reverse
from django.utils import timezone

from .callbox import NewsletterSettings  # noqa: F401  (the call box texts, a model of their own)
from .mailings import Delivery, Mailing, MailingPiece  # noqa: F401  (mailings and their log)

CONFIRM_SALT = "newsletter.confirm"
UNSUBSCRIBE_SALT = "newsletter.unsubscribe"


def normalise_email(address):
    """One spelling per mailbox: trimmed and lower-cased (no duplicate rows by case)."""
    return (address or "").strip().lower()


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self):
        """Addresses that confirmed and did not unsubscribe: the only ones we may mail."""
        return self.filter(status=Subscriber.Status.CONFIRMED)

    def mailable(self):
        """Confirmed addresses whose mail server has not refused us for good."""
        return self.confirmed().filter(refused_at=None)


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    email = models.EmailField("email address", max_length=254, unique=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    unsubscribed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A permanent (5xx) refusal by the reader's mail server: no mailing goes there again
    # until staff clear it (the reason is the server's own words).
    refused_at = models.DateTimeField("refused by mail server", null=True, blank=True)
    refusal = models.CharField("mail server's refusal", max_length=500, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"
        permissions = [("export_subscribers", "Can export confirmed subscribers")]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)

    @property
    def is_confirmed(self):
        return self.status == self.Status.CONFIRMED

    # Tokens sign the row's id, not the address, so addresses stay out of URLs and logs.
    def confirmation_token(self):
        return signing.dumps(self.pk, salt=CONFIRM_SALT)

    def unsubscribe_token(self):
        # Checked without a maximum age: unsubscribe links in old newsletters must keep working.
        return signing.dumps(self.pk, salt=UNSUBSCRIBE_SALT)

    def confirm_url(self):
        return reverse("newsletter:confirm", kwargs={"token": self.confirmation_token()})

    def unsubscribe_url(self):
        return reverse("newsletter:unsubscribe", kwargs={"token": self.unsubscribe_token()})

    def confirm(self):
        if self.status != self.Status.CONFIRMED:
            self.status = self.Status.CONFIRMED
            self.confirmed_at = timezone.now()
            self.unsubscribed_at = None
            self.save(update_fields=["status", "confirmed_at", "unsubscribed_at", "email"])

    def unsubscribe(self):
        if self.status != self.Status.UNSUBSCRIBED:
            self.status = self.Status.UNSUBSCRIBED
            self.unsubscribed_at = timezone.now()
            self.save(update_fields=["status", "unsubscribed_at", "email"])
