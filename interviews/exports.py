"""The interviews app's part of article exports: the interviewee column, and segment words in
the word count. Registered from ``InterviewsConfig.ready()`` so ``articles`` never imports us."""

from articles.exports.rows import Column, register_columns
from articles.text import count_words

INTERVIEW = "interviews.interview"


def fill(pieces, rows):
    """Interviewee names and segment words for a batch: at most two queries per batch."""
    from .models import Interview, Segment

    pks = [piece["pk"] for piece in pieces if piece["piece_type"] == INTERVIEW]
    if not pks:
        return
    names = dict(Interview.objects.filter(pk__in=pks).values_list("pk", "interviewee__name"))
    for pk in pks:
        rows[pk]["interviewee"] = names.get(pk) or ""
    segments = Segment.objects.filter(interview_id__in=pks).values_list(
        "interview_id", "question", "answer"
    )
    for pk, question, answer in segments.iterator(chunk_size=2000):
        rows[pk]["word_count"] += count_words(question) + count_words(answer)


def register():
    register_columns("interviews", [Column("interviewee", "Interviewee")], fill, after="authors")
