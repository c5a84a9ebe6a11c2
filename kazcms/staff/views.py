from two_factor.views import BackupTokensView

from articles.models import AuditEvent

from . import audit


class RecoveryCodesView(BackupTokensView):
    """two-factor-auth's recovery codes page (each code works once), audited when renewed."""

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(AuditEvent.Action.RECOVERY_CODES, self.request.user, self.request)
        return response
