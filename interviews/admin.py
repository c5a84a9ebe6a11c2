from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError

from articles.admin import PieceAdmin, PieceForm

from .models import Interview, Segment, segment_problems


def surname(person):
    """The last word of a person's name: the seed's "MacLeod:" speaker label."""
    return person.name.split()[-1] if person and person.name.strip() else ""


class SegmentForm(forms.ModelForm):
    class Meta:
        model = Segment
        fields = ["position", "asker_label", "answerer_label", "question", "answer"]
        widgets = {
            # Two lines to start with; the stylesheet lets the box grow with what is typed.
            "question": forms.Textarea(attrs={"rows": 2, "class": "segment-question"}),
        }


class SegmentFormSet(forms.BaseInlineFormSet):
    """Positions decide the order: each must be unique; 0 or empty appends at the end.

    New exchanges start with the speaker labels the newsroom uses: its short name asking, the
    interviewee's surname answering (filled in on save when the interviewee was chosen in the
    same form)."""

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if index is None or index >= self.initial_form_count():
            kwargs["initial"] = {
                "asker_label": settings.KAZCMS_ORGANISATION,
                "answerer_label": surname(getattr(self.instance, "interviewee", None)),
            }
        return kwargs

    def clean(self):
        # Before the generic unique check, so the editor reads which number clashes and
        # several new segments left at 0 are appended rather than refused.
        forms_kept = [
            form
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE", False)
        ]
        seen = {}
        for form in forms_kept:
            position = form.cleaned_data.get("position") or 0
            if position and position in seen:
                raise ValidationError(
                    f"Two segments have position {position}. Give each segment its own number "
                    "(or 0 to add it at the end)."
                )
            seen[position] = form
        next_position = max((p for p in seen if p), default=0) + 1
        for form in forms_kept:
            if not form.cleaned_data.get("position"):
                form.instance.position = next_position
                form.cleaned_data["position"] = next_position
                next_position += 1
            answerer = surname(getattr(self.instance, "interviewee", None))
            if (
                form.instance.pk is None
                and form.cleaned_data.get("asker_label")
                and not form.cleaned_data.get("answerer_label")
                and answerer
            ):
                form.instance.answerer_label = form.cleaned_data["answerer_label"] = answerer
        super().clean()
        if self.instance.status == Interview.Status.PUBLISHED:
            # The questions as they will be saved (see Interview.publishing_problems).
            problems = segment_problems(form.instance for form in forms_kept)
            if problems:
                raise ValidationError(["This interview cannot be published yet:", *problems])


class InterviewForm(PieceForm):
    def _post_clean(self):
        self.instance.segments_checked_by_form = True  # SegmentFormSet.clean asks the questions
        super()._post_clean()


class SegmentInline(admin.StackedInline):
    model = Segment
    form = SegmentForm
    formset = SegmentFormSet
    fields = [("position", "asker_label", "answerer_label"), "question", "answer"]
    verbose_name = "question and answer"
    verbose_name_plural = "questions and answers (in order of position)"
    classes = ["segments"]

    def get_extra(self, request, obj=None, **kwargs):
        # A new interview opens with one empty exchange to type into; "Add another" adds more.
        return 0 if obj is not None and obj.segments.exists() else 1


@admin.register(Interview)
class InterviewAdmin(PieceAdmin):
    form = InterviewForm
    inlines = [SegmentInline, *PieceAdmin.inlines]
    autocomplete_fields = [*PieceAdmin.autocomplete_fields, "interviewee"]
    list_display = [c for c in PieceAdmin.list_display if c != "kind"] + ["interviewee"]
    list_filter = [f for f in PieceAdmin.list_filter if f != "kind"]
    list_select_related = [*PieceAdmin.list_select_related, "interviewee"]
    # The change form (templates/admin/interviews/interview/change_form.html) shows this first
    # fieldset, then the questions and answers, then the rest.
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "language",
                    "standfirst",
                    "interviewee",
                    "interviewee_role",
                ]
            },
        ),
        ("Introduction", {"fields": ["body"]}),
        *[fs for fs in PieceAdmin.fieldsets[1:]],
    ]

    class Media:
        js = ["articles/segment_order.js"]

    def get_fieldsets(self, request, obj=None):
        # "kind" is always "interview" here
        fieldsets = []
        for name, options in super().get_fieldsets(request, obj):
            fields = [f for f in options["fields"] if f != "kind"]
            fieldsets.append((name, {**options, "fields": fields}))
        return fieldsets
