from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from articles.admin import PieceAdmin

from .models import Interview, Segment


class SegmentFormSet(forms.BaseInlineFormSet):
    """Positions decide the order: each must be unique; 0 or empty appends at the end."""

    def clean(self):
        # Number the new segments first: the formset's uniqueness check (super().clean())
        # would otherwise see several segments at position 0 and refuse them.
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


class SegmentInline(admin.StackedInline):
    model = Segment
    formset = SegmentFormSet
    extra = 0
    fields = [("position", "asker_label", "answerer_label"), "question", "answer"]
    verbose_name = "question and answer"
    verbose_name_plural = "questions and answers (in order of position)"


@admin.register(Interview)
class InterviewAdmin(PieceAdmin):
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
