"""Admin help for funding: warn editors who publish a piece outside its projects' dates."""

from django.contrib import messages


class FundingWarningsMixin:
    """After a piece and its projects are saved, show ``Article.funding_warnings()`` as admin
    warnings. A warning, not a refusal: late or backdated pieces are sometimes right."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        newly_published = not change or "status" in form.changed_data
        for warning in form.instance.funding_warnings(newly_published=newly_published):
            self.message_user(request, warning, messages.WARNING)
