import logging

from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt

from . import ratelimit
from . import signup as signups
from .forms import SignupForm

logger = logging.getLogger(__name__)

TOO_MANY = "Too many sign-up attempts. Please wait a while and try again."
NOT_SENT = "We could not send the confirmation email just now. Please try again in a few minutes."


# No CSRF token: a forged sign-up can only ask for a confirmation email (double opt-in), it is
# rate-limited per address and per client, and a token would give every page a cookie.
@csrf_exempt
def signup(request):
    """The sign-up form (also posted to from the box on every piece); works without JavaScript."""
    status = 200
    if request.method == "POST":
        form = SignupForm(request.POST)
        if not ratelimit.allow("ip", ratelimit.client_ip(request)):
            form.add_error(None, TOO_MANY)
            status = 429
        elif form.is_valid():
            if form.is_bot:
                return redirect("newsletter:check_inbox")
            email = form.cleaned_data["email"]
            if not ratelimit.allow("email", email.lower()):
                # Same page as a success: the limit must not tell whether the address exists.
                return redirect("newsletter:check_inbox")
            try:
                signups.request_subscription(email, request.build_absolute_uri)
            except Exception:
                logger.exception("Newsletter confirmation email could not be sent")
                form.add_error(None, NOT_SENT)
                status = 503
            else:
                return redirect("newsletter:check_inbox")
        else:
            status = 400
    else:
        form = SignupForm()
    return render(request, "newsletter/signup.html", {"form": form}, status=status)


def check_inbox(request):
    return render(request, "newsletter/check_inbox.html")


def _bad_link(request, exc):
    return render(request, "newsletter/bad_link.html", {"expired": exc.expired}, status=400)


def confirm(request, token):
    """GET shows a button, POST confirms: mail scanners that open links confirm nothing."""
    try:
        subscriber = signups.subscriber_to_confirm(token)
    except signups.InvalidLink as exc:
        return _bad_link(request, exc)
    if request.method == "POST":
        signups.confirm(subscriber, request.build_absolute_uri)
        return render(request, "newsletter/confirmed.html", {"subscriber": subscriber})
    return render(request, "newsletter/confirm.html", {"subscriber": subscriber})


# One-click unsubscribe (RFC 8058) is POSTed by mail providers without our CSRF token; the
# signed token in the URL is the proof the request may act on this subscriber.
@csrf_exempt
def unsubscribe(request, token):
    try:
        subscriber = signups.subscriber_to_unsubscribe(token)
    except signups.InvalidLink as exc:
        return _bad_link(request, exc)
    if request.method == "POST":
        subscriber.unsubscribe()
        return render(request, "newsletter/unsubscribed.html", {"subscriber": subscriber})
    return render(request, "newsletter/unsubscribe.html", {"subscriber": subscriber})
