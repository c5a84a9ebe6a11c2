"""Sending a mailing: the worker's job, in batches, to each confirmed subscriber once.

``start()`` (the admin's “Send now” / “Schedule”) queues ``send_mailing``, which writes one
``Delivery`` per mailable subscriber (a unique pair: re-running it adds nobody twice) and
queues ``send_batch`` tasks (``KAZCMS_MAILING_PARALLEL`` chains, each batch queueing the
next while deliveries are due). A batch claims pending deliveries atomically
(``SELECT … FOR UPDATE SKIP LOCKED`` where the database has it, else a conditional
``UPDATE … WHERE status = 'pending'``), then for each one: marks it *sending*, hands it to
SMTP, marks it *sent*. So after a crash:

- claimed but never handed over: released to *pending* when the claim is older than
  ``KAZCMS_MAILING_CLAIM_SECONDS`` and sent by a later batch (``manage.py send_mailings``
  queues one for every mailing left sending);
- handed over but not marked: *interrupted*, never sent again: the server may have it.

Temporary SMTP failures (4xx, dropped connections) are retried with backoff; a permanent
(5xx) refusal marks the subscriber, shown to staff. No tracking pixels, no rewritten links:
readers in the region are watched, and a newsletter must not report who opened what.
"""

import logging
import math
import smtplib
import uuid
from datetime import timedelta
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from articles import jobs
from articles.photos import renditions
from articles.text import html_to_text

from .callbox import NewsletterSettings
from .mailings import Delivery, Mailing
from .models import Subscriber

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BACKOFF_SECONDS = [60, 300, 1800, 7200]  # after the 1st, 2nd, 3rd and 4th temporary failure


def claim_seconds():
    return getattr(settings, "KAZCMS_MAILING_CLAIM_SECONDS", 600)


def parallel_chains():
    return max(1, getattr(settings, "KAZCMS_MAILING_PARALLEL", 2))


def batch_size():
    return max(1, getattr(settings, "KAZCMS_MAILING_BATCH_SIZE", 200))


# --- what a reader receives ------------------------------------------------------------


def absolute(path):
    return settings.KAZCMS_SITE_URL.rstrip("/") + path


def message_context(mailing, unsubscribe_url):
    pieces = []
    for piece in mailing.ordered_pieces():
        image = None
        photo = piece.lead_photo
        if photo is not None:
            items = [r for r in renditions.renditions_of(photo, "card", "JPEG") if r.width <= 800]
            if items:  # never the original; a photo still being built is left out
                image = items[-1]
                image = {
                    "url": absolute(image.url) if image.url.startswith("/") else image.url,
                    "width": 560,
                    "height": round(560 * image.height / image.width),
                    "alt": photo.alt_text,
                }
        pieces.append({"piece": piece, "url": absolute(piece.get_absolute_url()), "image": image})
    return {
        "mailing": mailing,
        "newsletter": NewsletterSettings.load().title,
        "site_name": settings.KAZCMS_SITE_NAME,
        "site_url": settings.KAZCMS_SITE_URL,
        "intro_text": html_to_text(mailing.intro),
        "pieces": pieces,
        "unsubscribe_url": unsubscribe_url,
    }


# Rendered once per batch with this address, then each reader's own link is swapped in.
LINK_MARK = "https://unsubscribe.invalid/reader-link"


def render_parts(mailing, unsubscribe_url=LINK_MARK):
    """(plain text, HTML, newsletter name) of the mailing with ``unsubscribe_url``."""
    context = message_context(mailing, unsubscribe_url)
    return (
        render_to_string("newsletter/email/mailing.txt", context),
        render_to_string("newsletter/email/mailing.html", context),
        context["newsletter"],
    )


def build_message(mailing, subscriber, parts=None, message_id=None):
    """The multipart message for one subscriber, with RFC 8058 one-click unsubscribe."""
    unsubscribe_url = absolute(subscriber.unsubscribe_url())
    text, html, newsletter = parts or render_parts(mailing)
    # Signed tokens are URL-safe and need no HTML escaping.
    text, html = text.replace(LINK_MARK, unsubscribe_url), html.replace(LINK_MARK, unsubscribe_url)
    list_unsubscribe = f"<{unsubscribe_url}>"
    if getattr(settings, "KAZCMS_NEWSLETTER_UNSUBSCRIBE_MAILTO", ""):
        list_unsubscribe += f", <mailto:{settings.KAZCMS_NEWSLETTER_UNSUBSCRIBE_MAILTO}>"
    message = EmailMultiAlternatives(
        subject=mailing.subject,
        body=text,
        to=[subscriber.email],
        headers={
            "List-Unsubscribe": list_unsubscribe,
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"{newsletter} <newsletter.{_domain()}>",
            # The same id on any resend lets the reader's mail server drop a duplicate.
            "Message-ID": message_id or make_msgid(domain=_domain()),
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def _domain():
    host = settings.KAZCMS_SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return host or "localhost"


def send_test(mailing, address):
    """“Send a test to me”: the mailing as a reader gets it, to one staff address."""
    sample = Subscriber(pk=0, email=address)
    message = build_message(mailing, sample)
    message.subject = f"[Test] {mailing.subject}"
    message.send()


# --- starting and finishing ------------------------------------------------------------


def start(mailing, at=None):
    """Queue the mailing for sending now or at ``at``; only a draft can start."""
    at = at or timezone.now()
    updated = Mailing.objects.filter(pk=mailing.pk, status=Mailing.Status.DRAFT).update(
        status=Mailing.Status.SCHEDULED, send_at=at
    )
    if not updated:
        return False
    mailing.status, mailing.send_at = Mailing.Status.SCHEDULED, at
    delay = (at - timezone.now()).total_seconds()
    jobs.enqueue(send_mailing, mailing.pk, delay=delay if delay > 0 else None)
    return True


def _finish_if_done(mailing_id):
    if not Delivery.objects.filter(mailing_id=mailing_id, status__in=Delivery.IN_FLIGHT).exists():
        Mailing.objects.filter(pk=mailing_id, status=Mailing.Status.SENDING).update(
            status=Mailing.Status.SENT, finished_at=timezone.now()
        )
        return True
    return False


@task()
def send_mailing(mailing_id):
    """Write the deliveries (once per subscriber) and queue the batches that send them."""
    mailing = Mailing.objects.filter(pk=mailing_id).first()
    if mailing is None or mailing.status != Mailing.Status.SCHEDULED:
        return "skipped"
    now = timezone.now()
    if mailing.send_at and mailing.send_at > now:  # queued by a backend that cannot wait
        if send_mailing.get_backend().supports_defer:
            jobs.enqueue(send_mailing, mailing_id, delay=(mailing.send_at - now).total_seconds())
        return "not yet"
    # One transaction: a worker stopped half-way leaves the mailing scheduled, with no
    # deliveries, and the next run (or `send_mailings`) starts it again.
    with transaction.atomic():
        started = Mailing.objects.filter(pk=mailing_id, status=Mailing.Status.SCHEDULED).update(
            status=Mailing.Status.SENDING, started_at=now
        )
        if not started:  # another run got there first and queued the batches
            return "already sending"
        recipients = Subscriber.objects.mailable().values_list("pk", flat=True)
        Delivery.objects.bulk_create(
            (Delivery(mailing_id=mailing_id, subscriber_id=pk) for pk in recipients.iterator()),
            ignore_conflicts=True,  # the unique pair: nobody twice, whatever runs twice
            batch_size=1000,
        )
        pending = Delivery.objects.filter(mailing_id=mailing_id, status=Delivery.Status.PENDING)
        # Chains of batches, one per worker meant to send at once; each batch queues the next.
        batches = min(math.ceil(pending.count() / batch_size()), parallel_chains())
        for _ in range(batches):
            jobs.enqueue(send_batch, mailing_id)
    _finish_if_done(mailing_id)
    return batches


# --- one batch -------------------------------------------------------------------------


def release_stale_claims(mailing_id):
    """Deliveries a stopped worker held: unsent ones back to pending, handed-over ones
    interrupted (never resent). Returns (released, interrupted)."""
    before = timezone.now() - timedelta(seconds=claim_seconds())
    stale = Delivery.objects.filter(mailing_id=mailing_id, claimed_at__lte=before)
    released = stale.filter(status=Delivery.Status.CLAIMED).update(
        status=Delivery.Status.PENDING, claim="", claimed_at=None
    )
    interrupted = stale.filter(status=Delivery.Status.SENDING).update(
        status=Delivery.Status.INTERRUPTED,
        error="The worker stopped while the mail server had it; not resent.",
    )
    return released, interrupted


def claim(mailing_id, limit):
    """Atomically take up to ``limit`` due pending deliveries for this batch."""
    token, now = uuid.uuid4().hex, timezone.now()
    due = (
        Delivery.objects.filter(mailing_id=mailing_id, status=Delivery.Status.PENDING)
        .exclude(retry_at__gt=now)
        .order_by("pk")
    )
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            ids = list(due.select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit])
        else:  # SQLite: one writer at a time; the WHERE below is the guard
            ids = list(due.values_list("pk", flat=True)[:limit])
        Delivery.objects.filter(pk__in=ids, status=Delivery.Status.PENDING).update(
            status=Delivery.Status.CLAIMED, claim=token, claimed_at=now
        )
    return list(
        Delivery.objects.filter(claim=token, status=Delivery.Status.CLAIMED)
        .select_related("subscriber")
        .order_by("pk")
    )


def _smtp_code(exc):
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return next(iter(exc.recipients.values()))[0]
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code
    return None  # a dropped connection, a timeout: temporary


class Ledger:
    """A batch's writes. A delivery the server accepted is marked *sent* in the same commit
    as the batch's next write (the next *sending* mark, or the end): one commit per message
    instead of two. The guarantee is the same: until that commit it reads *sending*, which a
    restart turns into *interrupted*, never into a resend."""

    def __init__(self):
        self.accepted = None

    def write(self, deliveries=None, **changes):
        with transaction.atomic():
            if self.accepted is not None:
                Delivery.objects.filter(pk=self.accepted).update(
                    status=Delivery.Status.SENT, sent_at=timezone.now(), error="", claim=""
                )
                self.accepted = None
            if deliveries is not None:
                return deliveries.update(**changes)
        return 0


def deliver(delivery, mailing, mail, parts, ledger):
    """Hand one delivery to the mail server and record what it answered."""
    subscriber = delivery.subscriber
    this = Delivery.objects.filter(pk=delivery.pk, claim=delivery.claim)
    if not (subscriber.is_confirmed and subscriber.refused_at is None):  # unsubscribed since
        ledger.write(this, status=Delivery.Status.CANCELLED, claim="")
        return "cancelled"
    message_id = f"<mailing-{mailing.pk}.delivery-{delivery.pk}@{_domain()}>"
    message = build_message(mailing, subscriber, parts, message_id=message_id)
    # Committed before SMTP sees the message: a crash from here on never resends it. The
    # claim must still be ours: past KAZCMS_MAILING_CLAIM_SECONDS another batch may hold it.
    if not ledger.write(this, status=Delivery.Status.SENDING, attempts=delivery.attempts + 1):
        return "claim lost"
    try:
        mail.open()  # no-op while the batch's session is open
        mail.send_messages([message])
    except (smtplib.SMTPException, OSError) as exc:
        mail.close()  # the next message opens a fresh session
        return _failed(delivery, subscriber, exc, ledger)
    ledger.accepted = delivery.pk
    return "sent"


def _failed(delivery, subscriber, exc, ledger):
    code = _smtp_code(exc)
    reason = f"{code or type(exc).__name__}: {exc}"[:500]
    attempts = delivery.attempts + 1
    if code and 500 <= code < 600:
        now = timezone.now()
        Subscriber.objects.filter(pk=subscriber.pk).update(refused_at=now, refusal=reason)
        status, retry_at = Delivery.Status.FAILED, None
    elif attempts >= MAX_ATTEMPTS:
        status, retry_at = Delivery.Status.FAILED, None
    else:
        status = Delivery.Status.PENDING
        retry_at = timezone.now() + timedelta(seconds=BACKOFF_SECONDS[attempts - 1])
    ledger.write(
        Delivery.objects.filter(pk=delivery.pk),
        status=status,
        retry_at=retry_at,
        error=reason,
        claim="",
        claimed_at=None,
    )
    logger.warning("Newsletter delivery %s failed (%s): %s", delivery.pk, status, reason)
    return "retry" if status == Delivery.Status.PENDING else "failed"


@task()
def send_batch(mailing_id):
    """Send up to one batch of this mailing's pending deliveries over one SMTP session."""
    mailing = Mailing.objects.filter(pk=mailing_id, status=Mailing.Status.SENDING).first()
    if mailing is None:
        return {"skipped": 1}
    release_stale_claims(mailing_id)
    results = {}
    deliveries = claim(mailing_id, batch_size())
    if deliveries:
        mail, parts, ledger = get_connection(), render_parts(mailing), Ledger()
        try:
            for delivery in deliveries:
                outcome = deliver(delivery, mailing, mail, parts, ledger)
                results[outcome] = results.get(outcome, 0) + 1
        finally:
            ledger.write()  # the last accepted one
            mail.close()
    if not _finish_if_done(mailing_id):
        _queue_follow_up(mailing_id)
    return results


def _queue_follow_up(mailing_id):
    """Retries and other workers' claims need a later batch: queue one when they are due."""
    in_flight = Delivery.objects.filter(mailing_id=mailing_id, status__in=Delivery.IN_FLIGHT)
    due = in_flight.filter(status=Delivery.Status.PENDING).exclude(retry_at__gt=timezone.now())
    if due.exists():
        # The chain goes on (a surplus batch finds nothing to claim and ends the chain).
        jobs.enqueue(send_batch, mailing_id)
        return
    next_retry = (
        in_flight.filter(status=Delivery.Status.PENDING)
        .order_by("retry_at")
        .values_list("retry_at", flat=True)
        .first()
    )
    delay = claim_seconds()
    if next_retry is not None:
        delay = min(delay, max((next_retry - timezone.now()).total_seconds(), 1))
    jobs.enqueue(send_batch, mailing_id, delay=delay)


def resume():
    """Queue a batch for every mailing left sending (after a crash) and start due ones;
    ``manage.py send_mailings`` runs it, e.g. when the worker starts."""
    count = 0
    for mailing_id in Mailing.objects.filter(status=Mailing.Status.SENDING).values_list(
        "pk", flat=True
    ):
        release_stale_claims(mailing_id)
        jobs.enqueue(send_batch, mailing_id)
        count += 1
    due = Mailing.objects.filter(status=Mailing.Status.SCHEDULED, send_at__lte=timezone.now())
    for mailing_id in due.values_list("pk", flat=True):
        jobs.enqueue(send_mailing, mailing_id)
        count += 1
    return count
