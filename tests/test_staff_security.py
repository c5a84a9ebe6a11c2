"""Staff sign-in: second factor, enrolment, recovery codes, lockout, audit trail and sessions.

These tests drive the real sign-in wizard (two-factor-auth) as a browser posts it; tests
marked ``real_second_factor`` also turn off the conftest shortcut that lets ``force_login``
pass the second factor.
"""

import re
from base64 import b32decode

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.models import AuditEvent

from .conftest import verify_second_factor
from .factories import make_user

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action
PASSWORD = "pw-for-tests-1"
LOGIN = "/staff/account/login/"  # reverse("two_factor:login"), spelled out as staff type it


def staff(role, username, **extra):
    return make_user(role, username=username, password=PASSWORD, **extra)


def code_of(device, offset=0):
    """The authenticator app's current code for ``device`` (``offset`` steps later)."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, offset):06d}"


def enrol(user):
    return TOTPDevice.objects.create(user=user, name="default", confirmed=True)


def sign_in(client, username, password=PASSWORD, **extra):
    data = {"login_view-current_step": "auth", "auth-username": username, "auth-password": password}
    return client.post(f"{LOGIN}?next=/admin/", data, **extra)


def enter_code(client, code, step="token"):
    return client.post(
        f"{LOGIN}?next=/admin/",
        {"login_view-current_step": step, f"{step}-otp_token": code},
    )


def actions_for(user):
    return list(AuditEvent.objects.filter(user=user).values_list("action", flat=True))


# --- Second factor ---------------------------------------------------------------------


@pytest.mark.real_second_factor
class TestEnrolment:
    def test_first_sign_in_of_an_editor_leads_to_enrolment_then_the_admin(self, client):
        desk = staff("Editors", "newdesk")
        response = sign_in(client, "newdesk")
        assert response.status_code == 302
        # The password alone opens nothing: the admin sends the editor to enrolment.
        response = client.get(reverse("admin:index"), follow=True)
        assert response.redirect_chain[-1][0] == reverse("two_factor:setup")

        setup = reverse("two_factor:setup")
        client.post(setup, {"setup_view-current_step": "welcome"})
        page = client.post(
            setup, {"setup_view-current_step": "method", "method-method": "generator"}
        )
        assert page.context["QR_URL"] and page.context["secret_key"]
        device = TOTPDevice(key=b32decode(page.context["secret_key"]).hex())
        response = client.post(
            setup, {"setup_view-current_step": "generator", "generator-token": code_of(device)}
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("two_factor:setup_complete")
        guide = client.get(response["Location"])
        assert reverse("two_factor:backup_tokens") in guide.content.decode()
        assert client.get(reverse("admin:index")).status_code == 200
        assert TOTPDevice.objects.get(user=desk).confirmed
        assert Action.SECOND_FACTOR_ADDED in actions_for(desk)

    def test_a_wrong_code_does_not_enrol(self, client):
        desk = staff("Editors", "newdesk")
        sign_in(client, "newdesk")
        setup = reverse("two_factor:setup")
        client.post(setup, {"setup_view-current_step": "welcome"})
        page = client.post(
            setup, {"setup_view-current_step": "method", "method-method": "generator"}
        )
        wrong = code_of(TOTPDevice(key=b32decode(page.context["secret_key"]).hex()), offset=10)
        page = client.post(
            setup, {"setup_view-current_step": "generator", "generator-token": wrong}
        )
        assert page.status_code == 200 and "not valid" in page.content.decode()
        assert not TOTPDevice.objects.filter(user=desk).exists()
        assert client.get(reverse("admin:index")).status_code == 302

    def test_contributors_may_use_the_admin_without_one_unless_the_setting_says(
        self, client, settings
    ):
        reporter = staff("Contributors", "reporter")
        sign_in(client, "reporter")
        assert client.get(reverse("admin:index")).status_code == 200
        settings.KAZCMS_SECOND_FACTOR_ROLES = ["Contributors", "Editors", "Administrators"]
        other = Client()
        other.force_login(reporter)
        assert other.get(reverse("admin:index")).status_code == 302


def admin_routes(patterns=None, prefix=""):
    """Every named admin URL with sample arguments filled in."""
    for pattern in admin.site.urls[0] if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from admin_routes(pattern.url_patterns, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names = [*getattr(pattern.pattern, "converters", {}), *pattern.pattern.regex.groupindex]
            kwargs = {name: "articles" if name == "app_label" else "1" for name in names}
            yield reverse(f"admin:{pattern.name}", kwargs=kwargs)


@pytest.mark.real_second_factor
class TestNoAdminPageWithoutTheSecondFactor:
    @pytest.mark.parametrize("role", ["Editors", "Administrators", None])
    def test_every_admin_url_sends_to_sign_in_or_enrolment(self, client, role):
        user = staff(role, "someone", is_superuser=role is None)
        client.force_login(user)  # password passed, second factor not
        routes = sorted(set(admin_routes())) + ["/admin/no-such-page/"]
        assert len(routes) > 60
        allowed = {reverse("two_factor:setup"), reverse("admin:login")}
        for url in routes:
            response = client.get(url)
            assert response.status_code == 302, url
            target = response["Location"].split("?")[0]
            # Django's admin answers its logout URL with the index, which redirects in turn.
            assert target in allowed or (url == reverse("admin:logout") and target == "/admin/")

    def test_a_user_with_a_device_must_use_it(self, client):
        user = staff("Editors", "enrolled")
        enrol(user)
        client.force_login(user)
        response = client.get(reverse("admin:articles_article_changelist"), follow=True)
        assert response.redirect_chain[-1][0].startswith(LOGIN)

    def test_the_same_walk_opens_pages_once_verified(self, client):
        user = staff("Editors", "verified")
        device = enrol(user)
        sign_in(client, "verified")
        enter_code(client, code_of(device))
        assert client.get(reverse("admin:index")).status_code == 200
        changelists = [url for url in set(admin_routes()) if re.fullmatch(r"/admin/\w+/\w+/", url)]
        statuses = [client.get(url).status_code for url in changelists]
        assert statuses.count(200) > 10  # the pages an Editor may see now open


@pytest.mark.real_second_factor
class TestSignIn:
    def test_password_then_code_opens_the_admin(self, client):
        desk = staff("Editors", "desk2")
        device = enrol(desk)
        page = sign_in(client, "desk2")
        assert page.status_code == 200 and page.context["wizard"]["steps"].current == "token"
        assert client.get(reverse("admin:index")).status_code == 302  # not signed in yet
        response = enter_code(client, code_of(device))
        assert response.status_code == 302 and response["Location"] == "/admin/"
        assert client.get("/admin/").status_code == 200
        assert actions_for(desk).count(Action.SIGNED_IN) == 1

    def test_a_wrong_code_signs_nobody_in(self, client):
        desk = staff("Editors", "desk2")
        device = enrol(desk)
        sign_in(client, "desk2")
        page = enter_code(client, code_of(device, offset=10))
        assert page.status_code == 200
        assert "_auth_user_id" not in client.session

    def test_recovery_codes_work_once_each(self, client):
        desk = staff("Editors", "desk2")
        enrol(desk)
        codes = StaticDevice.objects.create(user=desk, name="backup")
        codes.token_set.create(token="abcd1234")
        codes.token_set.create(token="efgh5678")

        sign_in(client, "desk2")
        client.post(LOGIN, {"login_view-current_step": "token", "wizard_goto_step": "backup"})
        response = enter_code(client, "abcd1234", step="backup")
        assert response.status_code == 302
        assert client.get("/admin/").status_code == 200
        assert Action.RECOVERY_CODE_USED in actions_for(desk)
        assert list(codes.token_set.values_list("token", flat=True)) == ["efgh5678"]

        again = Client()
        sign_in(again, "desk2")
        again.post(LOGIN, {"login_view-current_step": "token", "wizard_goto_step": "backup"})
        page = enter_code(again, "abcd1234", step="backup")
        assert page.status_code == 200  # refused: already used
        assert again.get("/admin/").status_code == 302

    def test_renewing_recovery_codes_gives_ten_and_is_audited(self, client):
        desk = staff("Editors", "desk2")
        device = enrol(desk)
        sign_in(client, "desk2")
        enter_code(client, code_of(device))
        url = reverse("two_factor:backup_tokens")
        assert client.post(url).status_code == 302
        assert StaticDevice.objects.get(user=desk).token_set.count() == 10
        page = client.get(url).content.decode()
        token = StaticDevice.objects.get(user=desk).token_set.first().token
        assert token in page
        assert Action.RECOVERY_CODES in actions_for(desk)


class TestAdministratorResetsASecondFactor:
    def reset(self, client, user):
        return client.post(
            reverse("admin:auth_user_changelist"),
            {"action": "reset_second_factor", "_selected_action": [user.pk]},
        )

    def test_lost_phone_reset_removes_devices_and_is_audited(self, client):
        administrator = staff("Administrators", "chief")
        desk = staff("Editors", "desk2")
        enrol(desk)
        StaticDevice.objects.create(user=desk, name="backup").token_set.create(token="x1")
        client.force_login(administrator)
        assert self.reset(client, desk).status_code == 302
        assert not TOTPDevice.objects.filter(user=desk).exists()
        assert not StaticDevice.objects.filter(user=desk).exists()
        event = AuditEvent.objects.get(action=Action.SECOND_FACTOR_RESET)
        assert event.user == administrator and "desk2" in event.detail
        assert (
            AuditEvent.objects.filter(action=Action.SECOND_FACTOR_REMOVED, user=desk).count() == 2
        )

    @pytest.mark.real_second_factor
    def test_after_a_reset_the_editor_enrols_again_at_sign_in(self, client):
        desk = staff("Editors", "desk2")
        enrol(desk)
        administrator = staff("Administrators", "chief")
        admin_client = Client()
        admin_client.force_login(administrator)
        verify_second_factor(admin_client, administrator)
        self.reset(admin_client, desk)
        sign_in(client, "desk2")  # no code asked any more: there is no device
        response = client.get("/admin/", follow=True)
        assert response.redirect_chain[-1][0] == reverse("two_factor:setup")

    def test_editors_cannot_reset(self, desk_client):
        other = staff("Editors", "desk3")
        enrol(other)
        assert self.reset(desk_client, other).status_code == 403
        assert TOTPDevice.objects.filter(user=other).exists()


# --- Lockout ---------------------------------------------------------------------------


def fail(client, settings, username="desk2", addresses=None):
    for n in range(settings.AXES_FAILURE_LIMIT):
        address = addresses[n] if addresses else "203.0.113.9"
        response = sign_in(client, username, "wrong-password", REMOTE_ADDR=address)
    return response


@pytest.mark.real_second_factor
class TestLockout:
    def test_an_account_locks_after_the_failures_and_says_when_to_retry(self, client, settings):
        desk = staff("Editors", "desk2")
        addresses = [f"198.51.100.{n}" for n in range(settings.AXES_FAILURE_LIMIT)]
        response = fail(client, settings, addresses=addresses)
        assert response.status_code == 429
        # The right password from yet another address is refused too: the account is locked.
        response = sign_in(Client(), "desk2", REMOTE_ADDR="192.0.2.200")
        assert response.status_code == 429
        page = response.content.decode()
        assert "Sign-in locked" in page and "Try again after" in page
        assert f"in {settings.AXES_COOLOFF_TIME.seconds // 60} minutes" in page
        assert Action.LOCKED_OUT in actions_for(desk)
        assert actions_for(desk).count(Action.SIGN_IN_FAILED) >= settings.AXES_FAILURE_LIMIT

    def test_one_address_trying_many_accounts_is_locked_for_all(self, client, settings):
        staff("Editors", "desk2")
        for n in range(settings.AXES_FAILURE_LIMIT):
            sign_in(client, f"guess{n}", "wrong", REMOTE_ADDR="203.0.113.9")
        assert sign_in(Client(), "desk2", REMOTE_ADDR="203.0.113.9").status_code == 429
        assert sign_in(Client(), "desk2", REMOTE_ADDR="203.0.113.10").status_code != 429

    def test_behind_our_proxy_the_address_is_the_one_it_saw(self, client, settings):
        settings.KAZCMS_PROXY_COUNT = 1
        staff("Editors", "desk2")
        for n in range(settings.AXES_FAILURE_LIMIT):
            # A forged left-hand entry changes each time; our proxy appended the real client.
            xff = f"10.9.9.{n}, 203.0.113.9"
            sign_in(client, f"guess{n}", "wrong", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=xff)
        blocked = sign_in(
            Client(), "desk2", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9"
        )
        assert blocked.status_code == 429
        other = sign_in(
            Client(), "desk2", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.10"
        )
        assert other.status_code != 429

    def test_an_administrator_unlocks_the_account(self, client, settings):
        desk = staff("Editors", "desk2")
        device = enrol(desk)
        addresses = [f"198.51.100.{n}" for n in range(settings.AXES_FAILURE_LIMIT)]
        fail(client, settings, addresses=addresses)
        chief = staff("Administrators", "chief")
        admin_client = Client()
        admin_client.force_login(chief)
        verify_second_factor(admin_client, chief)
        response = admin_client.post(
            reverse("admin:auth_user_changelist"),
            {"action": "unlock_sign_in", "_selected_action": [desk.pk]},
        )
        assert response.status_code == 302
        event = AuditEvent.objects.get(action=Action.UNLOCKED)
        assert event.user == chief and "desk2" in event.detail

        fresh = Client()
        page = sign_in(fresh, "desk2", REMOTE_ADDR="192.0.2.200")
        assert page.status_code == 200 and page.context["wizard"]["steps"].current == "token"
        enter_code(fresh, code_of(device))
        assert fresh.get("/admin/").status_code == 200

    def test_an_administrator_lifts_an_address_lock_in_the_lockout_list(self, client, settings):
        staff("Editors", "desk2")
        for n in range(settings.AXES_FAILURE_LIMIT):
            sign_in(client, f"guess{n}", "wrong", REMOTE_ADDR="203.0.113.9")
        assert sign_in(Client(), "desk2", REMOTE_ADDR="203.0.113.9").status_code == 429
        chief = staff("Administrators", "chief")
        admin_client = Client()
        admin_client.force_login(chief)
        verify_second_factor(admin_client, chief)
        changelist = reverse("admin:axes_accessattempt_changelist")
        assert admin_client.get(changelist).status_code == 200
        from axes.models import AccessAttempt

        ids = list(
            AccessAttempt.objects.filter(ip_address="203.0.113.9").values_list("pk", flat=True)
        )
        admin_client.post(
            changelist, {"action": "delete_selected", "_selected_action": ids, "post": "yes"}
        )
        assert not AccessAttempt.objects.filter(ip_address="203.0.113.9").exists()
        assert AuditEvent.objects.filter(action=Action.UNLOCKED, user=chief).exists()
        assert sign_in(Client(), "desk2", REMOTE_ADDR="203.0.113.9").status_code != 429


def test_editors_do_not_see_the_lockout_list(desk_client):
    url = reverse("admin:axes_accessattempt_changelist")
    assert desk_client.get(url).status_code == 403


# --- Audit trail and sessions ----------------------------------------------------------


@pytest.mark.real_second_factor
def test_failed_sign_in_is_audited_with_the_address_and_never_the_password(client):
    desk = staff("Editors", "desk2")
    sign_in(client, "desk2", "my-secret-guess", REMOTE_ADDR="203.0.113.7")
    event = AuditEvent.objects.get(action=Action.SIGN_IN_FAILED)
    assert event.user == desk and event.piece is None
    assert "desk2" in event.detail and "203.0.113.7" in event.detail
    assert "my-secret-guess" not in event.detail
    unknown = sign_in(client, "nobody", "x")
    assert unknown.status_code == 200
    assert AuditEvent.objects.filter(action=Action.SIGN_IN_FAILED, user=None).exists()


def test_password_changes_are_audited_and_end_the_other_sessions(desk, settings):
    desk.set_password(PASSWORD)
    desk.save()
    here, elsewhere = Client(), Client()
    here.force_login(desk)
    elsewhere.force_login(desk)
    assert elsewhere.get("/admin/").status_code == 200
    response = here.post(
        reverse("admin:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "n3w-Pa55-word!",
            "new_password2": "n3w-Pa55-word!",
        },
    )
    assert response.status_code == 302
    assert here.get("/admin/").status_code == 200  # this session was kept
    response = elsewhere.get("/admin/")
    assert response.status_code == 302  # the other one is signed out
    assert "_auth_user_id" not in elsewhere.session
    # Both changes are on the trail: the one set up above and the one made in the admin.
    assert AuditEvent.objects.filter(action=Action.PASSWORD_CHANGED, user=desk).count() == 2


def test_staff_sessions_last_a_working_day_of_inactivity_renewed_on_each_request(
    desk_client, settings
):
    assert settings.SESSION_COOKIE_AGE == 10 * 60 * 60
    response = desk_client.get("/admin/")
    assert response.cookies["sessionid"]["max-age"] == 10 * 60 * 60  # renewed on each request


def test_readers_get_no_session_cookie(client):
    response = client.get("/")
    assert "sessionid" not in response.cookies


def test_the_admin_never_shows_an_authenticator_secret_again(editor_client, editor):
    device = TOTPDevice.objects.get(user=editor)  # enrolled by the verified sign-in
    for view in ("config", "qrcode"):
        for pk in (device.pk, device.pk + 1000):  # a missing device is refused too, not a 500
            url = reverse(f"admin:otp_totp_totpdevice_{view}", kwargs={"pk": pk})
            assert editor_client.get(url).status_code == 403, url
