"""The editorial workflow: a piece's state changes, revision restore, and the audit trail.

States: draft → in review → published (a future publication time means scheduled), and back to
draft. Every write path (the admin form, admin actions, revision restore, corrections) goes
through this module, so each rule is enforced on the server, not only hidden in the interface.
Who may do what is asked of ``rules``; snapshots and diffs are ``revisions``' job.
"""

from django.db import transaction
from django.utils import timezone

from articles.models import Article, AuditEvent, Correction
from articles.publishing import revisions, rules

Status = Article.Status
Action = AuditEvent.Action

NOT_ALLOWED_TO_PUBLISH = (
    "Only editors can publish, schedule or unpublish a piece. Set it to “In review” and an "
    "editor will publish it."
)

# Restoring puts back the content; the workflow state and the edit counter stay as they are now.
KEPT_ON_RESTORE = ["status", "published_at", "version", "created_by_id"]


class WorkflowError(Exception):
    """A refused change; ``problems`` says what to fix, in words an editor can act on."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__(" ".join(self.problems))


def transition_problems(user, old_status, old_published_at, piece):
    """Why ``user`` may not move ``piece`` (already holding its new values) from its old state."""
    new_status = piece.status
    rescheduled = new_status == Status.PUBLISHED and piece.published_at != old_published_at
    if new_status == old_status and not rescheduled:
        return []
    touches_publication = Status.PUBLISHED in (old_status, new_status)
    sends_back = old_status == Status.IN_REVIEW and new_status == Status.DRAFT
    if (touches_publication or sends_back) and not rules.can_publish(user):
        return [NOT_ALLOWED_TO_PUBLISH]
    if new_status == Status.PUBLISHED:
        return piece.publishing_problems()
    return []


def event_for(old_status, old_published_at, piece):
    """The audit action a state change amounts to, or None for a plain edit."""
    new_status = piece.status
    if new_status == Status.PUBLISHED:
        if old_status != Status.PUBLISHED or piece.published_at != old_published_at:
            return Action.SCHEDULED if piece.is_scheduled else Action.PUBLISHED
        return None
    if old_status == Status.PUBLISHED:
        return Action.UNPUBLISHED
    if old_status == Status.DRAFT and new_status == Status.IN_REVIEW:
        return Action.SUBMITTED
    if old_status == Status.IN_REVIEW and new_status == Status.DRAFT:
        return Action.RETURNED
    return None


def record(piece, action, user, detail=""):
    """Append one event to the audit trail."""
    detail = detail or (
        f"for {timezone.localtime(piece.published_at):%Y-%m-%d %H:%M}"
        if action == Action.SCHEDULED
        else ""
    )
    return AuditEvent.objects.create(
        piece=piece,
        piece_title=piece.title[:255],
        action=action,
        user=user if user and user.pk else None,
        detail=detail[:500],
    )


def record_save(piece, user, old_status, old_published_at, *, created=False):
    """Audit what a save through a form amounted to (creation and/or a state change)."""
    if created:
        record(piece, Action.CREATED, user)
    action = event_for(old_status, old_published_at, piece)
    if action:
        record(piece, action, user)


def change_state(piece, user, new_status, *, allowed_from=None, comment=""):
    """Move one piece to ``new_status`` on behalf of ``user``, or raise WorkflowError."""
    with transaction.atomic():
        current = piece.specific(lock=True)
        # An editor may always move a piece; a contributor only their own drafts.
        if not (rules.can_edit(user, current) or rules.can_publish(user)):
            raise WorkflowError(["You can only change your own drafts."])
        old_status, old_published_at = current.status, current.published_at
        if allowed_from is not None and old_status not in allowed_from:
            raise WorkflowError([f"It is {current.state_label.lower()}: nothing to do."])
        current.status = new_status
        if new_status == Status.PUBLISHED and current.published_at is None:
            current.published_at = timezone.now()
        problems = transition_problems(user, old_status, old_published_at, current)
        if problems:
            raise WorkflowError(problems)
        action = event_for(old_status, old_published_at, current)
        if action is None:
            raise WorkflowError([f"It is already {current.state_label.lower()}."])
        current.updated_by = user
        with revisions.recording(user, comment or action.label):
            current.save()
        record(current, action, user)
    return current


def submit(piece, user):
    """Hand a draft to the editors."""
    return change_state(piece, user, Status.IN_REVIEW, allowed_from={Status.DRAFT})


def publish(piece, user):
    """Publish at the piece's publication time (scheduled if still to come), or now."""
    return change_state(piece, user, Status.PUBLISHED)


def back_to_draft(piece, user):
    """Unpublish a published piece, or send one in review back to its writer."""
    return change_state(
        piece, user, Status.DRAFT, allowed_from={Status.IN_REVIEW, Status.PUBLISHED}
    )


def add_correction(piece, user, text, kind=Correction.Kind.CORRECTION, noted_at=None):
    """Append a dated note to a published piece; its "updated" time moves, its date does not."""
    if not rules.can_publish(user):
        raise WorkflowError(["Only editors can add corrections and updates."])
    with transaction.atomic():
        current = piece.specific(lock=True)
        if current.status != Status.PUBLISHED:
            raise WorkflowError(["Corrections and updates are for published pieces."])
        with revisions.recording(user, f"Added a {kind.label.lower()}"):
            note = current.corrections.create(
                kind=kind, text=text, noted_at=noted_at or timezone.now()
            )
            current.updated_by = user
            current.save()
        record(current, Action.CORRECTED, user, text[:200])
    return note


def restore(piece, version, user):
    """Put ``piece`` back as it was in ``version``; its workflow state stays as it is now."""
    with transaction.atomic():
        current = piece.specific(lock=True)
        if not rules.can_edit(user, current):
            raise WorkflowError(["You may not change this piece."])
        if version.object_id != str(current.pk) or version._model is not type(current):
            raise WorkflowError(["That revision belongs to another piece."])
        kept = {name: getattr(current, name) for name in KEPT_ON_RESTORE}
        when = timezone.localtime(version.revision.date_created)
        with revisions.recording(user, f"Restored the revision of {when:%Y-%m-%d %H:%M}"):
            version.revision.revert(delete=True)
            restored = piece.specific()
            for name, value in kept.items():
                setattr(restored, name, value)
            restored.updated_by = user
            if restored.status == Status.PUBLISHED:
                problems = restored.publishing_problems()
                if problems:
                    raise WorkflowError(
                        ["This piece is published and that revision cannot be:", *problems]
                    )
            restored.save()
            revisions.add_piece(restored)  # the restore's own revision holds every relation
        record(restored, Action.RESTORED, user, f"revision of {when:%Y-%m-%d %H:%M}")
    return restored
