"""Double opt-in for “Frontline Updates”: ask for confirmation, confirm, unsubscribe.

Every request for an address gets the same answer on the page, whether the address is new,
waiting, confirmed or unsubscribed; only the mailbox's owner learns which (by email).
"""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone

from .callbox import NewsletterSettings
from .models import CONFIRM_SALT, UNSUBSCRIBE_SALT, Subscriber, normalise_email

CONFIRM_MAX_AGE = 3 * 24 * 60 * 60  # seconds a confirmation link stays valid


class InvalidLink(Exception):
    """A confirmation or unsubscribe link that was altered, expired or names no subscriber."""

    def __init__(self, expired=False):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def _send(subscriber, template, absolute_url, **context):
    newsletter = NewsletterSettings.load().title
    context = {
        "newsletter": newsletter,
        "site_name": settings.KAZCMS_SITE_NAME,
        "subscriber": subscriber,
        "unsubscribe_url": absolute_url(subscriber.unsubscribe_url()),
        **context,
    }
    subject = render_to_string(f"newsletter/email/{template}_subject.txt", context)
    message = EmailMessage(
        subject=" ".join(subject.split()),
        body=render_to_string(f"newsletter/email/{template}.txt", context),
        to=[subscriber.email],
        headers={
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.send()


def request_subscription(email, absolute_url):
    """Store the address (once) and email its owner what to do next."""
    subscriber, _ = Subscriber.objects.get_or_create(email=normalise_email(email))
    if subscriber.is_confirmed:
        _send(subscriber, "already_subscribed", absolute_url)
        return subscriber
    _send(
        subscriber,
        "confirm",
        absolute_url,
        confirm_url=absolute_url(subscriber.confirm_url()),
        valid_days=CONFIRM_MAX_AGE // (24 * 60 * 60),
    )
    Subscriber.objects.filter(pk=subscriber.pk).update(confirmation_sent_at=timezone.now())
    return subscriber


def _subscriber_from(token, salt, max_age=None):
    try:
        pk = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise InvalidLink(expired=True) from exc
    except signing.BadSignature as exc:
        raise InvalidLink from exc
    subscriber = Subscriber.objects.filter(pk=pk).first() if isinstance(pk, int) else None
    if subscriber is None:
        raise InvalidLink
    return subscriber


def subscriber_to_confirm(token):
    """The subscriber a confirmation link was sent to (raises InvalidLink)."""
    return _subscriber_from(token, CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)


def subscriber_to_unsubscribe(token):
    """The subscriber an unsubscribe link was made for (raises InvalidLink)."""
    return _subscriber_from(token, UNSUBSCRIBE_SALT)


def confirm(subscriber, absolute_url):
    """Confirm the subscription; the welcome email carries the unsubscribe link."""
    was_confirmed = subscriber.is_confirmed
    subscriber.confirm()
    if not was_confirmed:
        _send(subscriber, "welcome", absolute_url)
