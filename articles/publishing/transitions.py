"""The editorial workflow: who may do what to a piece, its state changes, and the audit trail.

States: draft → in review → published (a future publication time means scheduled), and back to
draft. Every write path (the admin form, admin actions, revision restore, corrections) asks
this module, so each rule lives in one place and is enforced on the server, not only hidden
in the interface. Roles are groups (Contributors, Editors, Administrators) created by a
migration; the rules below read permissions, so admins can adjust them the usual Django way.
"""

from django.db import transaction
from django.utils import timezone

from articles.models import Article, AuditEvent, Correction

PUBLISH_PERMISSION = "articles.publish_article"
EDIT_OTHERS_PERMISSION = "articles.edit_others_article"

Status = Article.Status
Action = AuditEvent.Action

NOT_ALLOWED_TO_PUBLISH = (
    "Only editors can publish, schedule or unpublish a piece. Set it to “In review” and an "
    "editor will publish it."
)


class WorkflowError(Exception):
    """A refused change; ``problems`` says what to fix, in words an editor can act on."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__(" ".join(self.problems))


def can_publish(user):
    return user.is_active and user.has_perm(PUBLISH_PERMISSION)


def can_edit_others(user):
    return user.is_active and user.has_perm(EDIT_OTHERS_PERMISSION)


def can_view(user, piece):
    """Editors see every piece; contributors see their own."""
    if not (user.is_active and user.is_staff):
        return False
    return can_edit_others(user) or piece.created_by_id == user.pk


def can_edit(user, piece):
    """Editors change any piece; contributors only their own drafts."""
    if can_edit_others(user):
        return True
    return piece.created_by_id == user.pk and piece.status == Status.DRAFT


def visible_to(user, pieces):
    """The pieces a user may see in the newsroom: all for editors, their own for contributors."""
    if can_edit_others(user):
        return pieces
    return pieces.filter(created_by=user)


def transition_problems(user, old_status, old_published_at, piece):
    """Why ``user`` may not move ``piece`` (already holding its new values) from its old state."""
    new_status = piece.status
    rescheduled = new_status == Status.PUBLISHED and piece.published_at != old_published_at
    if new_status == old_status and not rescheduled:
        return []
    touches_publication = Status.PUBLISHED in (old_status, new_status)
    sends_back = old_status == Status.IN_REVIEW and new_status == Status.DRAFT
    if (touches_publication or sends_back) and not can_publish(user):
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


def specific(piece, *, lock=False):
    """The piece as its most specific class (an interview stays an interview when saved)."""
    return piece.specific(lock=lock)


def change_state(piece, user, new_status, *, allowed_from=None, comment=""):
    """Move one piece to ``new_status`` on behalf of ``user``, or raise WorkflowError."""
    from articles.publishing import (
        revisions,  # revisions registers models at app start; import late
    )

    with transaction.atomic():
        current = specific(piece, lock=True)
        if not can_edit(user, current) and not (
            # An editor may always move a piece; a contributor only their own drafts.
            can_publish(user)
        ):
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
    from articles.publishing import revisions

    if not can_publish(user):
        raise WorkflowError(["Only editors can add corrections and updates."])
    with transaction.atomic():
        current = specific(piece, lock=True)
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
