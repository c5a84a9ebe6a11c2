"""Interviews: an article whose main part is an ordered list of question/answer segments.

Multi-table inheritance keeps one table of pieces for listings and search, while the
interview's own fields and segments live here. ``interviews`` builds on ``articles``;
``articles`` never imports this module.
"""

from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from articles.discovery.search import jobs as search_jobs
from articles.models import Article, ArticleQuerySet, Person, sanitize_field
from articles.models.inline_rows import related_rows
from articles.text import RichTextField, html_to_text

NO_INTERVIEWEE = "Choose the interviewee: the person who answers the questions."
NO_QUESTIONS = "Add at least one question with its answer."


class InterviewQuerySet(ArticleQuerySet):
    def for_detail(self):
        """The article recipe plus the interviewee and the segments in order (in the same
        query, as the article's relations are)."""
        return (
            super()
            .for_detail()
            .select_related("interviewee")
            .with_rows(related_rows(Interview, "segments"))
        )


class Interview(Article):
    interviewee = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="interviews"
    )
    interviewee_role = models.CharField(
        "interviewee's role at the time",
        max_length=300,
        blank=True,
        help_text="As it stood when the interview was given; empty uses the person's current role.",
    )

    detail_url_name = "interviews:detail"
    detail_template = "interviews/interview_detail.html"
    fixed_kind = Article.Kind.INTERVIEW
    restores_also = "questions and answers"
    person_sections = (("interviewee", _("Interviews with %(name)s"), _("Interviewee")),)
    people_fields = (*Article.people_fields, "interviewee")

    objects = InterviewQuerySet.as_manager()

    # The admin checks the questions in its segment formset, whose rows are not saved yet when
    # the interview form validates; it sets this so the stored (old) segments are not asked.
    segments_checked_by_form = False

    class Meta:
        ordering = ["-published_at", "-pk"]
        get_latest_by = "published_at"

    def publishing_problems(self):
        """The article's checks, plus an interviewee and at least one answered question."""
        problems = super().publishing_problems()
        if not self.interviewee_id:
            problems.append(NO_INTERVIEWEE)
        if not self.segments_checked_by_form:
            problems += segment_problems(self.segments.all() if self.pk else [])
        return problems

    def copy_structure_to(self, draft):
        draft.interviewee = self.interviewee
        draft.interviewee_role = self.interviewee_role

    def copy_relations_to(self, draft):
        # One empty exchange per exchange of the source, its speakers' labels kept.
        Segment.objects.bulk_create(
            Segment(
                interview=draft,
                position=segment.position,
                question="",
                answer="",
                asker_label=segment.asker_label,
                answerer_label=segment.answerer_label,
            )
            for segment in self.segments.all()
        )

    def search_text(self):
        """The article's words, plus the interviewee's name and every question and answer."""
        text = super().search_text()
        if self.interviewee_id:
            text["B"] = f"{text['B']}\n{self.interviewee.name}"
        segments = [f"{s.question}\n{s.answer}" for s in self.segments.all()] if self.pk else []
        text["C"] = "\n".join([text["C"], *segments])
        return text

    @property
    def interviewee_description(self):
        if not self.interviewee_id:
            return ""
        return self.interviewee_role or self.interviewee.role

    def structured_data_extras(self, absolute_url):
        """The interview's facts for its schema.org description (see articles.structured_data)."""
        extras = {"genre": "Interview"}
        if self.interviewee_id:
            person = {
                "@type": "Person",
                "name": self.interviewee.name,
                "url": absolute_url(self.interviewee.get_absolute_url()),
            }
            if self.interviewee_description:
                person["description"] = self.interviewee_description
            extras["about"] = person
        return extras


def segment_problems(segments):
    """[NO_QUESTIONS] unless one of ``segments`` has both a question and an answer."""
    for segment in segments:
        if segment.question.strip() and html_to_text(segment.answer).strip():
            return []
    return [NO_QUESTIONS]


class Segment(models.Model):
    """One question and its answer, with optional speaker labels (“IWPR:”, “MacLeod:”)."""

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="segments")
    position = models.PositiveSmallIntegerField(default=0)
    question = models.TextField()
    answer = RichTextField()
    asker_label = models.CharField(
        "asked by (label)", max_length=60, blank=True, help_text="E.g. “IWPR”. Optional."
    )
    answerer_label = models.CharField(
        "answered by (label)", max_length=60, blank=True, help_text="E.g. “MacLeod”. Optional."
    )

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            # Deferred so editors can swap two positions in one save (PostgreSQL);
            # the admin formset also refuses duplicates before saving on any database.
            models.UniqueConstraint(
                fields=["interview", "position"],
                name="unique_segment_position",
                deferrable=models.Deferrable.DEFERRED,
            )
        ]

    def __str__(self):
        return self.question[:80]

    # The interview's vector holds every question and answer: refreshed in the background
    # (the admin refreshes it once after saving all of them, see WorkflowAdminMixin).
    def save(self, *args, **kwargs):
        self.answer = sanitize_field(self, "answer")
        unchanged = Segment.objects.filter(
            pk=self.pk, question=self.question, answer=self.answer
        ).exists()
        super().save(*args, **kwargs)
        if not unchanged:  # translations of the interview follow its questions and answers
            self._text_changed(self.interview_id)
        search_jobs.refresh_later([self.interview_id])

    def delete(self, *args, **kwargs):
        interview_id = self.interview_id
        result = super().delete(*args, **kwargs)
        self._text_changed(interview_id)
        search_jobs.refresh_later([interview_id])
        return result

    @staticmethod
    def _text_changed(interview_id):
        Article.objects.filter(pk=interview_id).update(text_revision=F("text_revision") + 1)
