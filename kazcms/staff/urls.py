"""two-factor-auth's sign-in, enrolment and recovery-code pages, in its own namespace."""

from django.urls import path
from two_factor.urls import urlpatterns as two_factor_urls

from .views import RecoveryCodesView

library_patterns, app_name = two_factor_urls

urlpatterns = [
    *(p for p in library_patterns if getattr(p, "name", None) != "backup_tokens"),
    path(
        "account/two_factor/backup/tokens/",
        RecoveryCodesView.as_view(),
        name="backup_tokens",
    ),
]
