"""The newsroom's admin site: staff who owe a second factor reach only sign-in and enrolment."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from articles.publishing.dashboard import desk_panels

from . import second_factor


class StaffAdminSite(admin.AdminSite):
    index_template = "admin/desk_index.html"

    def index(self, request, extra_context=None):
        """The admin home is the editor's desk (articles.publishing.dashboard) above the apps."""
        context = {
            "desk_panels": desk_panels(request.user),
            "desk_time_zone": settings.TIME_ZONE,
            **(extra_context or {}),
        }
        return super().index(request, extra_context=context)

    def has_permission(self, request):
        # Every admin view, ours and Django's, passes through admin_view() and so through here.
        return super().has_permission(request) and second_factor.is_satisfied(request)

    def login(self, request, extra_context=None):
        """Send to two-factor-auth's sign-in wizard, or straight to enrolment when the signed-in
        user owes a second factor and has none yet (guided enrolment on first sign-in)."""
        next_url = request.POST.get(REDIRECT_FIELD_NAME, request.GET.get(REDIRECT_FIELD_NAME))
        if not (
            url_has_allowed_host_and_scheme(
                next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            )
            and next_url.startswith("/")
        ):
            # Only a path on this site: redirect() would take "²" for a view name (a 500).
            next_url = reverse("admin:index", current_app=self.name)
        user = request.user
        if self.has_permission(request):
            return HttpResponseRedirect(next_url)
        if user.is_active and user.is_staff and not second_factor.has_device(user):
            return redirect("two_factor:setup")
        return redirect_to_login(next_url, settings.LOGIN_URL)
