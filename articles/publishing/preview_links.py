"""Outsiders' preview links: the public view, and issuing and revoking links (audited).

The view needs no login: the token is the key. It renders the piece's current draft through
the piece type's own template (as the staff preview does), with a banner naming the recipient
and the embargo, and tells every cache and robot to keep away. A wrong, expired or revoked
token gets one and the same 404, which says nothing of any piece.
"""

from django.db import transaction
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone, translation

from articles.client_address import client_ip
from articles.models import AuditEvent, PreviewLink
from articles.publishing import transitions


@transaction.atomic
def issue(piece, by, **fields):
    """A new link for ``piece``; returns (link, token). The token is never stored or audited."""
    link = PreviewLink(piece=piece, created_by=by, **fields)
    token = link.issue_token()
    link.save()
    transitions.record(
        piece,
        AuditEvent.Action.PREVIEW_LINK_CREATED,
        by,
        f"for {link.recipient_name}, link {link.token_prefix}…, "
        f"until {timezone.localtime(link.expires_at):%Y-%m-%d %H:%M}",
    )
    return link, token


def revoke(link, by):
    """Stop ``link`` now; audited once, however often the button is pressed."""
    if link.revoke(by):
        transitions.record(
            link.piece,
            AuditEvent.Action.PREVIEW_LINK_REVOKED,
            by,
            f"for {link.recipient_name}, link {link.token_prefix}…",
        )


def preview_link(request, token):
    link = PreviewLink.objects.find(token)
    if link is None:
        raise Http404("No such page.")
    model = link.piece.piece_model
    piece = model._default_manager.for_detail().get(pk=link.piece_id)
    link.record_view(client_ip(request))
    context = {
        "article": piece,
        "is_preview": True,
        "preview_link": link,
        # The page's own address holds the token: never echo it into the markup.
        "canonical_url": request.build_absolute_uri(piece.get_absolute_url()),
    }
    with translation.override(piece.language):  # the piece's language, whatever the prefix
        response = render(request, model.detail_template, context)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    # Links followed from the page must not carry the token in their Referer.
    response["Referrer-Policy"] = "no-referrer"
    return response
