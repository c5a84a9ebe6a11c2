"""An editor sends a draft to an outsider, who reads it without an account; then it is revoked."""

import pytest

from ..factories import make_draft
from .test_journeys import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editor_sends_a_preview_link_the_outsider_reads_it_until_revoked(
    page, browser, site, django_user_model, sign_in
):
    desk = django_user_model.objects.create_superuser("desk", "desk@example.org", "pw-for-tests-1")
    draft = make_draft(title="Quotes to check before Monday", body="<p>The minister said no.</p>")
    expect_ = expect()
    sign_in(desk, "pw-for-tests-1")

    page.goto(draft.admin_url())
    page.locator(".object-tools").get_by_role("link", name="Preview links").click()
    page.get_by_label("Recipient's name").fill("Quinn Quotee")
    page.get_by_label("Recipient's email").fill("quinn@example.org")
    page.get_by_label("Note").fill("quote check")
    page.get_by_label("Embargo").fill("Embargoed until Monday 09:00")
    page.get_by_role("button", name="Create the link").click()
    address = page.get_by_label("The new preview link").input_value()
    assert "/preview/" in address

    # The outsider: another browser, no session, no account.
    outsider = browser.new_context()
    reader = outsider.new_page()
    reader.goto(address)
    expect_(reader.get_by_role("heading", level=1)).to_have_text(draft.title)
    expect_(reader.get_by_role("status")).to_contain_text("Preview for Quinn Quotee")
    expect_(reader.get_by_role("status")).to_contain_text("Embargoed until Monday 09:00")

    page.goto(draft.admin_url())
    section = page.locator("#preview-links")
    expect_(section).to_contain_text("Quinn Quotee")
    expect_(section.locator("tbody tr td").nth(4)).to_have_text("1")  # one view so far
    page.goto(draft.admin_url("preview_links"))
    page.get_by_role("button", name="Revoke").click()
    expect_(page.locator(".messagelist")).to_contain_text("no longer works")

    response = reader.goto(address)
    assert response.status == 404
    expect_(reader.locator("body")).not_to_contain_text("Quotes to check")
    outsider.close()
