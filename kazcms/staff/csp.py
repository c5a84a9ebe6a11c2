"""One Content-Security-Policy for readers' pages, a looser one for staff pages.

Staff pages are those of the ``admin`` and ``two_factor`` URL namespaces (so the admin's own
404s count, literal paths do not matter). django-csp sends the header; KAZCMS_CSP_REPORT_ONLY
decides which of its two headers carries the policy.
"""

from csp.middleware import CSPMiddleware
from csp.utils import default_config
from django.conf import settings

STAFF_NAMESPACES = {"admin", "two_factor"}


def is_staff_page(request):
    match = getattr(request, "resolver_match", None)
    return bool(match and STAFF_NAMESPACES & set(match.namespaces))


class NewsroomCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if (
            parts.config is None
            and report_only == settings.KAZCMS_CSP_REPORT_ONLY
            and is_staff_page(request)
        ):
            parts.config = default_config(settings.KAZCMS_CSP_STAFF)
        return parts

    def process_template_response(self, request, response):
        # The prose editor's import map is an inline <script>: it runs only with our nonce.
        # django-js-asset's Media carries a nonce; Django 5.2's admin cannot pass one itself.
        media = (response.context_data or {}).get("media")
        if hasattr(media, "with_nonce"):
            response.context_data["media"] = media.with_nonce(request.csp_nonce)
        return response
