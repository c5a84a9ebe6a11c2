"""Sign-ins, failures, lockouts, second-factor and password changes on the audit trail.

Fed by the signals of Django's auth, django-otp's device models, two-factor-auth and axes:
these happen inside those libraries, so their signals are the one place to hear them.
"""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from two_factor.signals import user_verified

from articles.client_address import client_ip
from articles.models import AuditEvent

Action = AuditEvent.Action


def record(action, user=None, request=None, detail=""):
    """Append one staff-security event; the client address is part of the detail."""
    address = client_ip(request) if request is not None else ""
    text = "; ".join(part for part in (detail, f"from {address}" if address else "") if part)
    return AuditEvent.objects.create(
        action=action, user=user if user and user.pk else None, detail=text[:500]
    )


def account_named(username):
    User = get_user_model()
    return User._default_manager.filter(**{User.USERNAME_FIELD: username or ""}).first()


@receiver(user_logged_in, dispatch_uid="audit_signed_in")
def signed_in(sender, request, user, **kwargs):
    record(Action.SIGNED_IN, user, request)


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def sign_in_failed(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in ``credentials``.
    username = str(credentials.get("username", ""))[:150]
    locked = " (locked out)" if getattr(request, "axes_locked_out", False) else ""
    record(Action.SIGN_IN_FAILED, account_named(username), request, f"as {username!r}{locked}")


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def locked_out(sender, request, username, ip_address, **kwargs):
    record(Action.LOCKED_OUT, account_named(username), request, f"as {username!r}")


@receiver(user_verified, dispatch_uid="audit_recovery_code_used")
def verified(sender, request, user, device, **kwargs):
    if isinstance(device, StaticDevice):
        left = device.token_set.count()
        record(Action.RECOVERY_CODE_USED, user, request, f"{left} recovery codes left")


def describe(device):
    return f"{device._meta.verbose_name} {device.name!r}"


@receiver(pre_save, dispatch_uid="audit_device_was_confirmed")
def remember_confirmation(sender, instance, **kwargs):
    if isinstance(instance, Device) and instance.pk and instance.confirmed:
        instance._was_confirmed = (
            type(instance)._default_manager.filter(pk=instance.pk, confirmed=True).exists()
        )


@receiver(post_save, dispatch_uid="audit_device_added")
def device_added(sender, instance, created, **kwargs):
    # Recovery codes are announced by the view that generates them (one event, not ten).
    if not isinstance(instance, Device) or isinstance(instance, StaticDevice):
        return
    if instance.confirmed and (created or not getattr(instance, "_was_confirmed", True)):
        record(Action.SECOND_FACTOR_ADDED, instance.user, None, describe(instance))


@receiver(post_delete, dispatch_uid="audit_device_removed")
def device_removed(sender, instance, origin=None, **kwargs):
    # Deleting the account deletes its devices: the admin's own log records that deletion.
    if (
        not isinstance(instance, Device)
        or getattr(origin, "model", type(origin)) is get_user_model()
    ):
        return
    record(Action.SECOND_FACTOR_REMOVED, instance.user, None, describe(instance))


class PasswordChangeAudit:
    """Not a rule on passwords: Django calls every validator's ``password_changed()`` after
    any password change (admin form, own change, reset, ``changepassword``), so this is the
    one hook that sees them all."""

    def validate(self, password, user=None):
        return None

    def password_changed(self, password, user=None):
        if user is not None and user.pk:
            record(Action.PASSWORD_CHANGED, user)

    def get_help_text(self):
        return "Password changes are recorded in the audit trail."
