"""Editorial records: dated corrections readers see, and the append-only audit trail."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format

from .pieces import Article

CLOCK_SKEW = timedelta(minutes=5)  # an editor's clock a little ahead is not "the future"


class Correction(models.Model):
    """A dated note appended to a published piece; readers see it at the foot of the piece."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        UPDATE = "update", "Update"

    piece = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CORRECTION)
    text = models.TextField(help_text="What was wrong and what is right now, or what is new.")
    noted_at = models.DateTimeField(
        "date", default=timezone.now, help_text="Shown to readers beside the note."
    )

    class Meta:
        ordering = ["noted_at", "pk"]
        get_latest_by = "noted_at"
        verbose_name = "correction or update"
        verbose_name_plural = "corrections and updates (shown to readers at the foot)"

    def __str__(self):
        return f"{self.get_kind_display()} of {date_format(timezone.localtime(self.noted_at))}"

    def get_absolute_url(self):
        return self.piece.get_absolute_url()

    def clean(self):
        # A note records what was done; a date to come would tell readers something false.
        if self.noted_at and self.noted_at > timezone.now() + CLOCK_SKEW:
            raise ValidationError(
                {"noted_at": "The date of a correction or update cannot be in the future."}
            )

    @property
    def display_date(self):
        return date_format(timezone.localtime(self.noted_at), "j F Y, H:i")


class AuditEvent(models.Model):
    """Who moved a piece through the workflow, and when; never edited, only appended."""

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        SUBMITTED = "submitted", "Submitted for review"
        RETURNED = "returned", "Sent back to draft"
        PUBLISHED = "published", "Published"
        SCHEDULED = "scheduled", "Scheduled"
        UNPUBLISHED = "unpublished", "Unpublished"
        RESTORED = "restored", "Restored a revision"
        CORRECTED = "corrected", "Added a correction or update"
        DELETED = "deleted", "Deleted"
        # Staff sign-in and account security: these events name no piece.
        SIGNED_IN = "signed_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        LOCKED_OUT = "locked_out", "Locked out after failed sign-ins"
        UNLOCKED = "unlocked", "Sign-in unlocked"
        SECOND_FACTOR_ADDED = "2fa_added", "Second factor added"
        SECOND_FACTOR_REMOVED = "2fa_removed", "Second factor removed"
        SECOND_FACTOR_RESET = "2fa_reset", "Second factor reset by an administrator"
        RECOVERY_CODES = "recovery_codes", "Recovery codes generated"
        RECOVERY_CODE_USED = "recovery_code_used", "Signed in with a recovery code"
        PASSWORD_CHANGED = "password_changed", "Password changed"
        # Pen names and outsiders' preview links (the detail never holds a real name or a
        # whole token).
        IDENTITY_OPENED = "identity_opened", "Opened a sealed identity"
        IDENTITY_SEALED = "identity_sealed", "Saved a sealed identity"
        PREVIEW_LINK_CREATED = "preview_link_created", "Created a preview link"
        PREVIEW_LINK_REVOKED = "preview_link_revoked", "Revoked a preview link"

    piece = models.ForeignKey(
        Article, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_events"
    )
    piece_title = models.CharField(max_length=255, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        get_latest_by = "at"
        verbose_name = "audit event"

    def __str__(self):
        return f"{self.get_action_display()}: {self.piece_title}"
