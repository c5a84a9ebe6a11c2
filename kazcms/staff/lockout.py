"""django-axes hooks: which username a sign-in tries, and the page a locked-out person sees."""

from axes.helpers import get_cool_off, get_failure_limit
from django.shortcuts import render
from django.utils import timezone


def username_of(request, credentials=None):
    """The username being tried: authenticate()'s credentials, else the wizard's form field."""
    if credentials:
        return credentials.get("username")
    return request.POST.get("auth-username") or request.POST.get("username")


def lockout_response(request, original_response=None, credentials=None):
    # Every further attempt restarts the cool-off, so "from now" is when the lock lifts.
    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "cool_off_minutes": round(cool_off.total_seconds() / 60),
        "retry_at": timezone.localtime() + cool_off,
    }
    return render(request, "staff/locked_out.html", context, status=429)
