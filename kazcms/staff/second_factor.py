"""Who must prove a second factor before using the admin, and resetting one when it is lost.

Devices, tokens and verification belong to django-otp (TOTP, one-use recovery codes) and
django-two-factor-auth (sign-in and enrolment wizards, passkeys); this module holds the policy.
"""

from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user, user_has_device

from articles.models import AuditEvent

from . import audit


def has_device(user):
    """Whether the account has a confirmed second factor (app, passkey or recovery codes)."""
    return user_has_device(user, confirmed=True)


def is_required(user):
    """Whether this account may use the admin only once a second factor is verified.

    Superusers and the roles in KAZCMS_SECOND_FACTOR_ROLES always; anyone else who enrolled
    one, so a device once added cannot be skipped.
    """
    cached = getattr(user, "_second_factor_required", None)
    if cached is None:
        cached = (
            user.is_superuser
            or user.groups.filter(name__in=settings.KAZCMS_SECOND_FACTOR_ROLES).exists()
            or has_device(user)
        )
        user._second_factor_required = cached  # asked several times per admin page
    return cached


def is_satisfied(request):
    """The session's user has verified a second factor, or does not need one."""
    user = request.user
    return user.is_verified() or not is_required(user)


@transaction.atomic
def reset(user, *, by, request=None):
    """Remove every second factor of ``user`` (lost phone): they enrol again at next sign-in."""
    devices = list(devices_for_user(user, confirmed=None))
    for device in devices:
        device.delete()
    names = ", ".join(f"{type(d).__name__} {d.name!r}" for d in devices) or "none"
    return audit.record(
        AuditEvent.Action.SECOND_FACTOR_RESET,
        by,
        request,
        f"for {user.get_username()}; removed {names}",
    )
