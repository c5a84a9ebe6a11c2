"""Mailings: composed in the admin, sent by the worker to a real SMTP server (aiosmtpd), to
each confirmed subscriber exactly once, with working one-click unsubscribe."""

import os
import re
import signal
import subprocess
import sys
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Permission
from django.core import signing
from django.core.mail import get_connection
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from newsletter import sending
from newsletter.models import UNSUBSCRIBE_SALT, Delivery, Mailing, Subscriber

from .factories import make_article, make_photo, make_user
from .formdata import form_data
from .smtp import start_server

pytestmark = pytest.mark.django_db

SITE = "https://news.example.org"


@pytest.fixture
def smtp(settings):
    controller, collector = start_server()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
    settings.EMAIL_TIMEOUT = 10
    settings.KAZCMS_SITE_URL = SITE
    settings.KAZCMS_MAILING_BATCH_SIZE = 3
    settings.KAZCMS_MAILING_PARALLEL = 1
    yield collector
    controller.stop()


def subscriber(email, status=Subscriber.Status.CONFIRMED, **fields):
    return Subscriber.objects.create(email=email, status=status, **fields)


def readers(confirmed=5):
    """``confirmed`` mailable readers, plus one waiting, one unsubscribed and one refused."""
    mailable = [subscriber(f"reader{i}@example.org") for i in range(confirmed)]
    subscriber("waiting@example.org", status=Subscriber.Status.PENDING)
    subscriber("gone@example.org", status=Subscriber.Status.UNSUBSCRIBED)
    subscriber("bounced@example.org", refused_at=timezone.now(), refusal="550 no such user")
    return [s.email for s in mailable]


def make_mailing(pieces=2, **fields):
    mailing = Mailing.objects.create(
        **{"subject": "This week in the region", "intro": "<p>Hello <b>readers</b></p>", **fields}
    )
    for position in range(1, pieces + 1):
        piece = make_article(title=f"Story {position}", standfirst=f"Standfirst {position}")
        mailing.items.create(piece=piece, position=position)
    return mailing


def html_part(message):
    return message.get_body(("html",)).get_content()


def text_part(message):
    return message.get_body(("plain",)).get_content()


def local(url):
    """The path of one of our absolute links, for the test client."""
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == SITE
    return parts.path


# --- composing ---------------------------------------------------------------------------


def test_new_mailing_is_prefilled_with_the_latest_published_pieces(editor_client):
    old = make_article(title="Older", published_at=timezone.now() - timedelta(days=3))
    new = make_article(title="Newer", published_at=timezone.now() - timedelta(minutes=1))
    make_article(title="Draft", status="draft", published_at=None)
    response = editor_client.get(reverse("admin:newsletter_mailing_add"))
    data = form_data(response, "mailing_form")
    assert data["items-0-piece"] == str(new.pk) and data["items-1-piece"] == str(old.pk)
    assert data["items-0-position"] == "1" and data["items-1-position"] == "2"
    assert "Draft" not in response.content.decode().split('name="items-0-piece"')[1][:3000]

    # Saved as posted: the prefilled rows are kept, and their order can be changed.
    data.update({"subject": "Weekly", "intro": "<p>Hi<script>alert(1)</script></p>", "send_at": ""})
    data["items-0-position"], data["items-1-position"] = "2", "1"
    data["_save"] = "Save"
    response = editor_client.post(reverse("admin:newsletter_mailing_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    mailing = Mailing.objects.get()
    assert [p.title for p in mailing.ordered_pieces()] == ["Older", "Newer"]
    assert "<script" not in mailing.intro and "Hi" in mailing.intro


def test_a_mailing_keeps_its_pieces_when_they_are_no_longer_recent(editor_client, monkeypatch):
    from newsletter import admin as mailing_admin

    mailing = make_mailing(pieces=3)
    monkeypatch.setattr(mailing_admin, "RECENT_PIECES", 1)
    change = reverse("admin:newsletter_mailing_change", args=[mailing.pk])
    data = form_data(editor_client.get(change), "mailing_form")
    response = editor_client.post(change, {**data, "subject": "Renamed", "_save": "Save"})
    assert response.status_code == 302
    assert Mailing.objects.get().subject == "Renamed" and mailing.items.count() == 3


def test_preview_in_the_browser_and_a_test_to_me(editor_client, editor, smtp):
    mailing = make_mailing()
    preview = editor_client.get(reverse("admin:newsletter_mailing_preview", args=[mailing.pk]))
    assert preview.status_code == 200 and "Story 1" in preview.content.decode()
    assert (
        Client().get(reverse("admin:newsletter_mailing_preview", args=[mailing.pk])).status_code
        == 302
    )

    change = reverse("admin:newsletter_mailing_change", args=[mailing.pk])
    data = form_data(editor_client.get(change), "mailing_form")
    response = editor_client.post(change, {**data, "_send_test": "Send a test to me"})
    assert response.status_code == 302
    (message,) = smtp.messages
    assert message["To"] == editor.email and message["Subject"] == f"[Test] {mailing.subject}"
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.DRAFT and not mailing.deliveries.exists()


# --- sending -----------------------------------------------------------------------------


def test_mailing_reaches_every_confirmed_subscriber_and_nobody_else(
    editor_client, smtp, run_worker
):
    mailable = readers(confirmed=7)
    mailing = make_mailing(pieces=2)
    change = reverse("admin:newsletter_mailing_change", args=[mailing.pk])
    data = form_data(editor_client.get(change), "mailing_form")
    response = editor_client.post(change, {**data, "_send_now": "Send now"})
    assert response.status_code == 302
    assert smtp.messages == []  # the request only queued the work

    run_worker()
    assert sorted(smtp.recipients()) == sorted(mailable)  # once each, nobody else
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.SENT
    assert mailing.send_log() | {"sent": 7} == mailing.send_log()
    assert mailing.send_log()["pending"] == 0 and mailing.send_log()["failed"] == 0
    # Batches of 3 in one chain: one task writes the deliveries, three send them.
    assert DBTaskResult.objects.filter(task_path__endswith="send_batch").count() == 3

    page = editor_client.get(change).content.decode()
    assert re.search(r"<strong>7</strong> sent · <strong>0</strong> failed", page)


def test_each_message_is_multipart_with_rfc8058_headers_and_no_tracking(smtp):
    (address,) = readers(confirmed=1)
    photo = make_photo(alt_text="Melon stalls")
    mailing = make_mailing(pieces=1)
    mailing.items.get().piece.__class__.objects.update(lead_photo=photo)
    sending.start(mailing)
    (message,) = smtp.messages
    assert message.get_content_type() == "multipart/alternative"
    text, html = text_part(message), html_part(message)
    assert "Story 1" in text and "Story 1" in html
    reader = Subscriber.objects.get(email=address)
    # The reader's own link (its signature carries the second it was made: read it back).
    own_link = message["List-Unsubscribe"].strip().removeprefix("<").removesuffix(">")
    token = own_link.rstrip("/").rsplit("/", 1)[1]
    assert own_link == SITE + reverse("newsletter:unsubscribe", kwargs={"token": token})
    assert signing.loads(token, salt=UNSUBSCRIBE_SALT) == reader.pk
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert own_link in text and own_link in html
    # Links are the pages' own addresses; the only images are the pieces' renditions.
    links = re.findall(r'href="([^"]+)"', html)
    assert links and all(link.startswith(SITE + "/") or link == SITE for link in links)
    images = re.findall(r"<img [^>]+>", html)
    assert len(images) == 1
    assert 'width="560"' in images[0] and 'height="315"' in images[0]
    assert 'alt="Melon stalls"' in images[0] and "-card-" in images[0]
    assert photo.image.url not in html
    assert 'name="color-scheme" content="light dark"' in html
    assert "<table" in html and 'style="' in html


def test_unsubscribe_link_and_one_click_post_work_from_the_received_message(smtp):
    first, second = readers(confirmed=2)
    sending.start(make_mailing())
    by_address = {str(m["To"]): m for m in smtp.messages}

    # The link in the body: a page with a button (mail scanners follow GETs), then POST.
    link = re.search(r"Unsubscribe \(one click, no login\): (\S+)", text_part(by_address[first]))
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(local(link.group(1)))
    assert page.status_code == 200
    assert Subscriber.objects.get(email=first).status == Subscriber.Status.CONFIRMED
    browser.post(local(link.group(1)))
    assert Subscriber.objects.get(email=first).status == Subscriber.Status.UNSUBSCRIBED

    # RFC 8058: the mail provider POSTs to the header's URL, with no cookie, CSRF or login.
    header = by_address[second]["List-Unsubscribe"].strip().strip("<>")
    response = Client(enforce_csrf_checks=True).post(
        local(header),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert Subscriber.objects.get(email=second).status == Subscriber.Status.UNSUBSCRIBED

    # The next mailing goes to neither; the first one's log counts them.
    smtp.messages.clear()
    sending.start(make_mailing(subject="Next week"))
    assert smtp.messages == []
    assert (
        Mailing.objects.get(subject="This week in the region").send_log()["unsubscribed_since"] == 2
    )


class Crash(BaseException):
    """The worker process dying (not an error the code could handle)."""


def test_a_crash_between_claim_and_send_then_a_restart_sends_the_rest_exactly_once(
    smtp, run_worker, settings, monkeypatch
):
    mailable = readers(confirmed=8)
    mailing = make_mailing()
    sending.start(mailing)
    deliver, calls = sending.deliver, []

    def dies_on_the_fifth(delivery, *args):
        calls.append(delivery.pk)
        if len(calls) == 5:
            raise Crash
        return deliver(delivery, *args)

    monkeypatch.setattr(sending, "deliver", dies_on_the_fifth)
    run_worker()  # the batch holding the fifth reader dies; the third batch waits for it
    assert len(smtp.messages) < len(mailable)
    assert Delivery.objects.filter(status=Delivery.Status.CLAIMED).exists()
    monkeypatch.setattr(sending, "deliver", deliver)

    # Restarted later: the dead batch's claim has expired.
    settings.KAZCMS_MAILING_CLAIM_SECONDS = 0
    call_command("send_mailings", verbosity=0)
    run_worker()
    assert sorted(smtp.recipients()) == sorted(mailable)  # every reader exactly once
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.SENT

    # Another restart, or a retried batch, sends nothing more.
    call_command("send_mailings", verbosity=0)
    sending.send_batch.call(mailing.pk)
    run_worker()
    assert len(smtp.messages) == len(mailable)


def test_a_message_the_server_may_have_is_never_sent_again(smtp, run_worker, settings):
    readers(confirmed=3)
    mailing = make_mailing()
    sending.start(mailing)
    run_worker(max_tasks=1)
    # A worker died right after handing this one over, before it could mark it sent.
    delivery = Delivery.objects.first()
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.SENDING, claim="dead", claimed_at=timezone.now()
    )
    settings.KAZCMS_MAILING_CLAIM_SECONDS = 0
    run_worker()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.INTERRUPTED
    assert delivery.subscriber.email not in smtp.recipients() and len(smtp.messages) == 2
    assert mailing.send_log()["interrupted"] == 1


def test_temporary_failures_are_retried_with_backoff_permanent_ones_mark_the_reader(
    smtp, run_worker, editor_client
):
    ok, flaky, dead = readers(confirmed=3)
    answers = iter([("451", "try again later")])
    smtp.refuse[flaky] = lambda: next(answers, None)  # refused once, then accepted
    smtp.refuse[dead] = ("550", "5.1.1 mailbox does not exist")
    mailing = make_mailing()
    sending.start(mailing)
    run_worker()
    assert smtp.recipients() == [ok]
    retry = Delivery.objects.get(subscriber__email=flaky)
    assert retry.status == Delivery.Status.PENDING and retry.retry_at > timezone.now()
    assert retry.error.startswith("451")
    refused = Subscriber.objects.get(email=dead)
    assert refused.refused_at is not None and "mailbox does not exist" in refused.refusal
    assert Delivery.objects.get(subscriber=refused).status == Delivery.Status.FAILED

    # The follow-up batch waits for the backoff; when it is due, the retry goes through.
    waiting = DBTaskResult.objects.get(status="READY")
    assert waiting.run_after > timezone.now()
    Delivery.objects.filter(pk=retry.pk).update(retry_at=timezone.now())
    DBTaskResult.objects.filter(pk=waiting.pk).update(run_after=timezone.now())
    run_worker()
    assert smtp.recipients() == [ok, flaky]
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.SENT
    assert mailing.send_log() | {"sent": 2, "failed": 1} == mailing.send_log()

    # Staff see the refusal on the address and in the send log; no later mailing goes there.
    listing = editor_client.get(reverse("admin:newsletter_subscriber_changelist"))
    assert "mailbox does not exist" in listing.content.decode()
    log = editor_client.get(reverse("admin:newsletter_mailing_change", args=[mailing.pk]))
    assert f"{dead} — 550" in log.content.decode()
    assert dead not in Subscriber.objects.mailable().values_list("email", flat=True)


def test_scheduled_mailing_waits_for_its_time(smtp, run_worker, editor_client):
    readers(confirmed=2)
    mailing = make_mailing()
    change = reverse("admin:newsletter_mailing_change", args=[mailing.pk])
    data = form_data(editor_client.get(change), "mailing_form")
    at = timezone.localtime(timezone.now() + timedelta(hours=2))
    data.update({"send_at_0": at.strftime("%Y-%m-%d"), "send_at_1": at.strftime("%H:%M:%S")})
    response = editor_client.post(change, {**data, "_schedule": "Schedule"})
    assert response.status_code == 302
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.SCHEDULED
    run_worker()
    assert smtp.messages == []  # not yet
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    Mailing.objects.filter(pk=mailing.pk).update(send_at=timezone.now())
    run_worker()
    assert len(smtp.messages) == 2
    # Sent mailings are read-only: no second send.
    page = editor_client.get(change).content.decode()
    assert "Send now to confirmed subscribers" not in page


def test_only_staff_allowed_to_send_can_send(client, smtp):
    readers(confirmed=2)
    mailing = make_mailing()
    change = reverse("admin:newsletter_mailing_change", args=[mailing.pk])
    composer = make_user(username="composer", is_staff=True)
    composer.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="newsletter",
            codename__in=["view_mailing", "change_mailing", "view_mailingpiece"],
        )
    )
    client.force_login(composer)
    page = client.get(change)
    assert "Send a test to me" in page.content.decode()
    assert "Send now to confirmed subscribers" not in page.content.decode()
    client.post(change, {**form_data(page, "mailing_form"), "_send_now": "Send now"})
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.DRAFT and smtp.messages == []

    editor = make_user("Editors", username="desk")  # the role map grants sending
    client.force_login(editor)
    page = client.get(change)
    assert "Send now to confirmed subscribers" in page.content.decode()
    client.post(change, {**form_data(page, "mailing_form"), "_send_now": "Send now"})
    assert len(smtp.messages) == 2


def test_a_batch_that_lost_its_claim_sends_nothing(smtp, run_worker):
    readers(confirmed=2)
    mailing = make_mailing()
    sending.start(mailing)
    sending.send_mailing.call(mailing.pk)
    mine = sending.claim(mailing.pk, 10)
    # This batch outlived its claim: another one released the rows and claimed them.
    Delivery.objects.update(claim="another-batch")
    mail, parts, ledger = get_connection(), sending.render_parts(mailing), sending.Ledger()
    outcomes = [sending.deliver(d, mailing, mail, parts, ledger) for d in mine]
    assert outcomes == ["claim lost", "claim lost"] and smtp.messages == []
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.CLAIMED}


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the worker process needs the test database"
)
@pytest.mark.django_db(transaction=True)
def test_killing_the_worker_process_half_way_then_restarting_sends_the_rest_once(smtp, settings):
    # A real `db_worker` process, killed (SIGKILL) once 7 of 20 messages have arrived.
    mailable = readers(confirmed=20)
    mailing = make_mailing()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    sending.start(mailing)
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:"
        f"{db['PORT']}/{db['NAME']}",
        "SECRET_KEY": "x",
        "KAZCMS_TASKS": "database",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": settings.EMAIL_HOST,
        "EMAIL_PORT": str(settings.EMAIL_PORT),
        "KAZCMS_SITE_URL": SITE,
        "KAZCMS_MAILING_BATCH_SIZE": "3",
        "KAZCMS_MAILING_PARALLEL": "1",
        "LOG_LEVEL": "ERROR",
    }
    worker = [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay"]
    process = subprocess.Popen(worker, cwd=settings.BASE_DIR, env=env, stderr=subprocess.DEVNULL)
    with smtp.arrived:
        assert smtp.arrived.wait_for(lambda: len(smtp.raw) >= 7, timeout=120)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert len(smtp.raw) < len(mailable)

    restart = {**env, "KAZCMS_MAILING_CLAIM_SECONDS": "0"}  # the dead worker's claims expire
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "send_mailings"], cwd=settings.BASE_DIR, env=restart, check=True)
    subprocess.run(worker, cwd=settings.BASE_DIR, env=env, check=True, stderr=subprocess.DEVNULL)
    received = smtp.recipients()
    assert len(received) == len(set(received))  # nobody twice
    interrupted = set(
        Delivery.objects.filter(status=Delivery.Status.INTERRUPTED).values_list(
            "subscriber__email", flat=True
        )
    )
    assert set(mailable) - interrupted <= set(received) <= set(mailable)
    assert len(interrupted) <= 1
    assert Mailing.objects.get().status == Mailing.Status.SENT
