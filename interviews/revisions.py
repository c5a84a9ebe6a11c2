"""Interview revisions: the article snapshot plus the questions and answers, in order."""

import reversion

from articles.publishing.revisions import register_piece
from articles.text import html_to_text

from .models import Interview, Segment


def segments_text(pk, versions_by_model):
    """The dialogue as it was in one revision, for the diff."""
    rows = sorted(
        (v.field_dict["position"], v.field_dict["question"], v.field_dict["answer"])
        for v in versions_by_model.get(Segment, [])
        if v.field_dict["interview_id"] == pk
    )
    text = "\n".join(f"Q{p}: {q}\nA{p}: {html_to_text(a)}" for p, q, a in rows)
    return {"Questions and answers": text}


def register_models():
    """Called once at start-up by the interviews app config."""
    if not reversion.is_registered(Segment):
        reversion.register(Segment)
    register_piece(Interview, follow=("article_ptr", "segments"), text_parts=segments_text)
