from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from articles.admin import PieceAdmin, PieceForm

from .models import Interview, Segment, segment_problems


class SegmentFormSet(forms.BaseInlineFormSet):
    """Positions decide the order: each must be unique; 0 or empty appends at the end."""

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
    formset = SegmentFormSet
    extra = 0
    fields = [("position", "asker_label", "answerer_label"), "question", "answer"]
    verbose_name = "question and answer"
    verbose_name_plural = "questions and answers (in order of position)"


@admin.register(Interview)
class InterviewAdmin(PieceAdmin):
    form = InterviewForm
    inlines = [SegmentInline, *PieceAdmin.inlines]
    autocomplete_fields = [*PieceAdmin.autocomplete_fields, "interviewee"]
    list_display = [c for c in PieceAdmin.list_display if c != "kind"] + ["interviewee"]
    list_filter = [f for f in PieceAdmin.list_filter if f != "kind"]
    list_select_related = [*PieceAdmin.list_select_related, "interviewee"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "standfirst", "interviewee", "interviewee_role"]}),
        ("Introduction", {"fields": ["body"]}),
        *[fs for fs in PieceAdmin.fieldsets[1:]],
    ]

    def get_fieldsets(self, request, obj=None):
        # "kind" is always "interview" here
        fieldsets = []
        for name, options in super().get_fieldsets(request, obj):
            fields = [f for f in options["fields"] if f != "kind"]
            fieldsets.append((name, {**options, "fields": fields}))
        return fieldsets
