import csv
import io
import re
import time
from unittest import mock

import pytest
from django.contrib.auth.models import Permission
from django.core import signing
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from newsletter import signup
from newsletter.models import NewsletterSettings, Subscriber

from .factories import make_article, make_user
from .formdata import form_data

pytestmark = pytest.mark.django_db

SIGNUP = "/en/newsletter/"
LINK_RE = re.compile(r"http://testserver(/en/newsletter/(?:confirm|unsubscribe)/[^/\s]+/)")


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def sign_up(client, email="reader@example.org", ip="10.0.0.1", **extra):
    return client.post(SIGNUP, {"email": email, "website": "", **extra}, REMOTE_ADDR=ip)


def links(message):
    return LINK_RE.findall(message.body)


def confirm_link(message):
    return next(link for link in links(message) if "/confirm/" in link)


def unsubscribe_link(message):
    return next(link for link in links(message) if "/unsubscribe/" in link)


# Signed links carry a timestamp, so they are checked by whom they open, not compared as text.
def confirms(link):
    token = link.rstrip("/").rsplit("/", 1)[1]
    return signup.subscriber_to_confirm(token)


def unsubscribes(link):
    token = link.rstrip("/").rsplit("/", 1)[1]
    return signup.subscriber_to_unsubscribe(token)


def test_signup_page_has_a_labelled_form(client):
    html = client.get(SIGNUP).content.decode()
    assert '<label for="newsletter-email">Your email address</label>' in html
    assert 'type="email" name="email" id="newsletter-email" autocomplete="email"' in html
    # No token, so no page carrying the form sets a cookie (the view is csrf_exempt).
    assert "csrfmiddlewaretoken" not in html


def test_pages_carry_the_form_with_the_staff_texts(client):
    NewsletterSettings.objects.create(title="Frontline Updates", text="Weekly.")
    piece = make_article()
    for url in [reverse("home"), piece.get_absolute_url()]:
        html = client.get(url).content.decode()
        assert f'action="{reverse("newsletter:signup")}"' in html, url
        assert "<h2>Frontline Updates</h2>" in html
        assert "<p>Weekly.</p>" in html
        assert "Sign up to Frontline Updates</button>" in html


def test_call_box_texts_are_edited_in_the_newsletter_admin_and_shown(
    editor_client, client, mailoutbox
):
    response = editor_client.get(reverse("admin:newsletter_newslettersettings_changelist"))
    assert response.status_code == 302  # one row, edited in place
    url = response["Location"]
    data = form_data(editor_client.get(url), "newslettersettings_form")
    data.update(title="Steppe Dispatch", text="Letters from the steppe & the hills.")
    assert editor_client.post(url, data).status_code == 302
    piece = make_article()
    for page in [reverse("home"), piece.get_absolute_url()]:
        html = client.get(page).content.decode()
        assert "<h2>Steppe Dispatch</h2>" in html, page
        assert "<p>Letters from the steppe &amp; the hills.</p>" in html, page
        assert "Sign up to Steppe Dispatch</button>" in html, page
    html = client.get(SIGNUP).content.decode()
    assert "<h1>Steppe Dispatch</h1>" in html and "the steppe &amp; the hills" in html
    sign_up(client)
    assert mailoutbox[0].subject == "Confirm your subscription to Steppe Dispatch"


def test_editors_read_the_call_box_texts_and_administrators_change_them(client):
    texts = NewsletterSettings.objects.create(title="Before")
    url = reverse("admin:newsletter_newslettersettings_change", args=[texts.pk])
    client.force_login(make_user("Editors", username="desk"))
    assert client.get(url).status_code == 200
    assert client.post(url, {"title": "Hacked", "text": "x"}).status_code == 403
    assert NewsletterSettings.load().title == "Before"
    client.force_login(make_user("Administrators", username="chief"))
    data = form_data(client.get(url), "newslettersettings_form")
    data["title"] = "After"
    assert client.post(url, data).status_code == 302
    assert NewsletterSettings.load().title == "After"


def test_signup_stores_a_pending_address_and_sends_a_signed_link(client, mailoutbox):
    response = sign_up(client, email="  Reader@Example.ORG ")
    assert response.status_code == 302
    assert response["Location"] == reverse("newsletter:check_inbox")
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "reader@example.org"
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.confirmation_sent_at is not None
    (message,) = mailoutbox
    assert message.to == ["reader@example.org"]
    assert "Confirm your subscription" in message.subject
    assert confirms(confirm_link(message)) == subscriber
    # The address never appears in the link (it would end up in logs).
    assert "example" not in confirm_link(message)
    assert client.get(response["Location"]).status_code == 200


def test_confirming_takes_a_click_and_sends_the_unsubscribe_link(client, mailoutbox):
    sign_up(client)
    link = confirm_link(mailoutbox[0])
    page = client.get(link)
    assert page.status_code == 200
    assert "Yes, subscribe me" in page.content.decode()
    # Opening the link (as mail scanners do) confirms nothing.
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    response = client.post(link)
    assert response.status_code == 200
    assert "You are subscribed" in response.content.decode()
    subscriber = Subscriber.objects.get()
    assert subscriber.is_confirmed and subscriber.confirmed_at
    welcome = mailoutbox[1]
    assert "Welcome" in welcome.subject
    assert unsubscribes(unsubscribe_link(welcome)) == subscriber
    header = welcome.extra_headers["List-Unsubscribe"]
    assert unsubscribes(LINK_RE.search(header).group(1)) == subscriber
    # Confirming again is harmless and sends nothing more.
    client.post(link)
    assert len(mailoutbox) == 2


def test_tampered_links_are_refused_and_change_nothing(client, mailoutbox):
    sign_up(client)
    link = confirm_link(mailoutbox[0])
    other = Subscriber.objects.create(email="other@example.org")
    # Another subscriber's id under this link's signature.
    payload, rest = link.removeprefix("/en/newsletter/confirm/").split(":", 1)
    forged_payload = signing.b64_encode(str(other.pk).encode()).decode()
    assert forged_payload != payload
    forged = f"/en/newsletter/confirm/{forged_payload}:{rest}"
    for bad in [
        link[:-3] + "xx/",
        forged,
        "/en/newsletter/confirm/abc/",
        "/en/newsletter/confirm/:::/",
    ]:
        response = client.post(bad)
        assert response.status_code == 400, bad
        assert "This link does not work" in response.content.decode()
    assert not Subscriber.objects.confirmed().exists()


def test_expired_confirmation_link_says_so(client, mailoutbox):
    four_days_ago = time.time() - 4 * 24 * 60 * 60
    with mock.patch("django.core.signing.time.time", return_value=four_days_ago):
        sign_up(client)
    response = client.post(confirm_link(mailoutbox[0]))
    assert response.status_code == 400
    assert "This link has expired" in response.content.decode()
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


def test_a_confirmation_link_cannot_unsubscribe_and_vice_versa(client, mailoutbox):
    sign_up(client)
    subscriber = Subscriber.objects.get()
    subscriber.confirm()
    token = subscriber.confirmation_token()
    assert client.post(reverse("newsletter:unsubscribe", args=[token])).status_code == 400
    pending = Subscriber.objects.create(email="pending@example.org")
    token = pending.unsubscribe_token()
    assert client.post(reverse("newsletter:confirm", args=[token])).status_code == 400
    assert Subscriber.objects.get(pk=subscriber.pk).is_confirmed
    assert not Subscriber.objects.get(pk=pending.pk).is_confirmed


def test_unsubscribe_works_in_one_click_without_a_csrf_token(mailoutbox):
    subscriber = Subscriber.objects.create(email="reader@example.org")
    subscriber.confirm()
    client = Client(enforce_csrf_checks=True)
    url = subscriber.unsubscribe_url()
    assert "Unsubscribe" in client.get(url).content.decode()
    assert Subscriber.objects.get().is_confirmed
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    assert subscriber.unsubscribed_at is not None
    assert not Subscriber.objects.confirmed().exists()


def test_signing_up_again_after_unsubscribing_needs_a_new_confirmation(client, mailoutbox):
    subscriber = Subscriber.objects.create(email="reader@example.org")
    subscriber.confirm()
    subscriber.unsubscribe()
    sign_up(client)
    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED
    client.post(confirm_link(mailoutbox[-1]))
    assert Subscriber.objects.get().is_confirmed


def test_the_same_address_twice_makes_one_row_and_leaks_nothing(client, mailoutbox):
    new = sign_up(client, email="new@example.org")
    again = sign_up(client, email="NEW@example.org")
    confirmed = Subscriber.objects.create(email="old@example.org")
    confirmed.confirm()
    existing = sign_up(client, email="old@example.org")
    assert Subscriber.objects.count() == 2
    # The reader sees the same answer whatever the address's state...
    assert [(r.status_code, r["Location"]) for r in (new, again, existing)] == [
        (302, reverse("newsletter:check_inbox"))
    ] * 3
    # ...only the mailbox's owner is told they are already subscribed.
    assert [m.subject for m in mailoutbox] == [
        "Confirm your subscription to Frontline Updates",
        "Confirm your subscription to Frontline Updates",
        "You are already subscribed to Frontline Updates",
    ]
    assert unsubscribes(unsubscribe_link(mailoutbox[2])) == confirmed


@pytest.mark.parametrize("email", ["", "not-an-address", "a@b", "x" * 250 + "@example.org"])
def test_bad_addresses_get_a_clear_error_and_store_nothing(client, mailoutbox, email):
    response = sign_up(client, email=email)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'aria-invalid="true" aria-describedby="newsletter-email-error"' in html
    assert re.search(r'id="newsletter-email-error">(Enter|Ensure)', html)
    assert "<title>Error: " in html
    assert not Subscriber.objects.exists()
    assert mailoutbox == []


def test_signup_works_without_a_csrf_cookie_and_sets_none(mailoutbox):
    # Unauthenticated, rate-limited and double opt-in: a forged post only sends a confirmation
    # link, so the form needs no per-page CSRF cookie and cached pages can carry it.
    client = Client(enforce_csrf_checks=True)
    assert not client.get(SIGNUP).cookies
    response = client.post(SIGNUP, {"email": "reader@example.org"})
    assert response.status_code == 302
    assert not response.cookies
    assert Subscriber.objects.get().email == "reader@example.org"
    assert len(mailoutbox) == 1


def test_honeypot_submissions_are_dropped_quietly(client, mailoutbox):
    response = sign_up(client, website="http://spam.example")
    assert response.status_code == 302
    assert not Subscriber.objects.exists()
    assert mailoutbox == []


def test_too_many_attempts_from_one_ip_are_refused(client, settings, mailoutbox):
    settings.NEWSLETTER_RATE_LIMITS = {"ip": (2, 3600)}
    assert sign_up(client, email="a@example.org").status_code == 302
    assert sign_up(client, email="not valid").status_code == 400
    response = sign_up(client, email="c@example.org")
    assert response.status_code == 429
    assert "Too many sign-up attempts" in response.content.decode()
    assert sign_up(client, email="c@example.org", ip="10.0.0.2").status_code == 302
    assert sorted(Subscriber.objects.values_list("email", flat=True)) == [
        "a@example.org",
        "c@example.org",
    ]


def test_one_address_cannot_be_mail_bombed(client, settings, mailoutbox):
    settings.NEWSLETTER_RATE_LIMITS = {"email": (2, 3600)}
    responses = [sign_up(client, email="victim@example.org", ip=f"10.0.1.{n}") for n in range(5)]
    assert {r.status_code for r in responses} == {302}
    assert len(mailoutbox) == 2
    assert sign_up(client, email="other@example.org", ip="10.0.2.1").status_code == 302
    assert len(mailoutbox) == 3


def test_client_ip_behind_our_proxy_comes_from_forwarded_for(client, settings):
    settings.KAZCMS_PROXY_COUNT = 1
    settings.NEWSLETTER_RATE_LIMITS = {"ip": (1, 3600)}

    def post(forwarded):
        return client.post(
            SIGNUP,
            {"email": "a@example.org"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    assert post("203.0.113.1").status_code == 302
    assert post("203.0.113.2").status_code == 302
    # A forged left-hand entry does not buy a new allowance.
    assert post("1.2.3.4, 203.0.113.2").status_code == 429


def test_email_failure_says_try_again(client, mailoutbox):
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("SMTP down")):
        response = sign_up(client)
    assert response.status_code == 503
    assert "could not send the confirmation email" in response.content.decode()


# Staff export


def export_rows(response):
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.fixture
def subscribers():
    confirmed = Subscriber.objects.create(email="reader@example.org")
    confirmed.confirm()
    formula = Subscriber.objects.create(email="=1+2@example.org")
    formula.confirm()
    Subscriber.objects.create(email="pending@example.org")
    gone = Subscriber.objects.create(email="gone@example.org")
    gone.confirm()
    gone.unsubscribe()
    return confirmed, formula


def test_export_lists_confirmed_subscribers_only_and_is_spreadsheet_safe(
    editor_client, subscribers
):
    confirmed, _ = subscribers
    response = editor_client.get(reverse("admin:newsletter_subscriber_export"))
    assert response.status_code == 200
    rows = export_rows(response)
    assert rows[0] == ["email", "confirmed_at", "unsubscribe_url"]
    assert [row[0] for row in rows[1:]] == ["reader@example.org", "'=1+2@example.org"]
    assert unsubscribes(rows[1][2].removeprefix("http://testserver")) == confirmed
    assert "+05:00" in rows[1][1]


def test_export_of_selected_subscribers_through_the_admin_action(editor_client, subscribers):
    confirmed, _ = subscribers
    pending = Subscriber.objects.get(email="pending@example.org")
    response = editor_client.post(
        reverse("admin:newsletter_subscriber_changelist"),
        {"action": "export_selected", "_selected_action": [confirmed.pk, pending.pk]},
    )
    assert [row[0] for row in export_rows(response)[1:]] == ["reader@example.org"]


def test_export_needs_the_export_permission(client, django_user_model, subscribers):
    url = reverse("admin:newsletter_subscriber_export")
    assert client.get(url).status_code == 302  # to the login page
    staff = django_user_model.objects.create_user("desk", password="pw-for-tests-1", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_subscriber"))
    client.force_login(staff)
    assert client.get(url).status_code == 403
    changelist = client.get(reverse("admin:newsletter_subscriber_changelist"))
    assert changelist.status_code == 200
    assert url not in changelist.content.decode()
    assert "export_selected" not in changelist.content.decode()
    staff.user_permissions.add(Permission.objects.get(codename="export_subscribers"))
    staff = django_user_model.objects.get(pk=staff.pk)
    client.force_login(staff)
    assert client.get(url).status_code == 200
    assert url in client.get(reverse("admin:newsletter_subscriber_changelist")).content.decode()


def test_staff_cannot_add_addresses_by_hand(editor_client):
    assert editor_client.get(reverse("admin:newsletter_subscriber_add")).status_code == 403


def test_staff_can_unsubscribe_an_address_on_request(editor_client, subscribers):
    confirmed, _ = subscribers
    response = editor_client.post(
        reverse("admin:newsletter_subscriber_changelist"),
        {"action": "unsubscribe_selected", "_selected_action": [confirmed.pk]},
        follow=True,
    )
    assert "1 address(es) unsubscribed." in response.content.decode()
    confirmed.refresh_from_db()
    assert confirmed.status == Subscriber.Status.UNSUBSCRIBED


def test_staff_cannot_confirm_an_address_by_hand(editor_client):
    pending = Subscriber.objects.create(email="pending@example.org")
    url = reverse("admin:newsletter_subscriber_change", args=[pending.pk])
    assert 'name="status"' not in editor_client.get(url).content.decode()
    editor_client.post(url, {"status": "confirmed", "email": "pending@example.org"})
    pending.refresh_from_db()
    assert pending.status == Subscriber.Status.PENDING


@pytest.mark.django_db
def test_editors_may_export_subscribers_and_contributors_may_not():
    from django.contrib.auth.models import Group

    def codenames(name):
        return set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))

    assert {"view_subscriber", "export_subscribers"} <= codenames("Editors")
    assert "export_subscribers" in codenames("Administrators")
    assert not {"view_subscriber", "export_subscribers"} & codenames("Contributors")
