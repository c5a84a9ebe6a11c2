"""Who may see, edit and publish pieces in the newsroom.

The admin, the staff preview, the workflow transitions and revision restore all ask these
questions; none of them is a state change, so they live apart from ``transitions``. The rules
read permissions, which the role map grants to groups, so a site can adjust a role the usual
Django way without touching code.
"""

from articles.models import Article

PUBLISH_PERMISSION = "articles.publish_article"
EDIT_OTHERS_PERMISSION = "articles.edit_others_article"


def can_publish(user):
    """Editors publish, schedule and unpublish; everyone else hands pieces to them."""
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
    return piece.created_by_id == user.pk and piece.status == Article.Status.DRAFT


def visible_to(user, pieces):
    """The pieces a user may see in the newsroom: all for editors, their own for contributors."""
    if can_edit_others(user):
        return pieces
    return pieces.filter(created_by=user)
