"""A reader's and an editor's journeys through the real site in headless Chromium."""

import re
from base64 import b32decode

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from articles.models import Article
from interviews.models import Interview
from newsletter.models import Subscriber

from ..factories import make_article, make_newsroom, make_person, make_photo
from .conftest import authenticator_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def expect():
    from playwright.sync_api import expect

    return expect


@pytest.fixture
def newsroom():
    photographer = make_person(name="Andrei Grishin")
    n = make_newsroom(
        public={
            "title": "Steppe Water Deal Falters",
            "standfirst": "Upstream dams and downstream farms need a deal.",
            "body": '<p>Farmers say the canals run dry. <a href="https://example.org/report">'
            "The report</a>.</p>",
            "lead_photo": make_photo(
                caption="A dry canal", alt_text="A cracked canal bed", credit_person=photographer
            ),
        },
        hidden=False,
    )
    make_article(title="Another Kazakhstan story", regions=[n["region"]])
    return {"region": n["region"], "piece": n["public"]}


def test_reader_goes_from_home_to_a_piece_and_signs_up(page, site, newsroom, mailoutbox):
    piece, region = newsroom["piece"], newsroom["region"]
    expect_ = expect()
    page.goto("/")
    page.get_by_role("link", name=piece.title).first.click()
    expect_(page.get_by_role("heading", level=1)).to_have_text(piece.title)
    expect_(page.locator("figcaption")).to_contain_text("(Photo: Andrei Grishin)")
    assert page.locator('script[type="application/ld+json"]').count() == 1

    page.get_by_role("list", name="Regions and topics").get_by_role(
        "link", name="Kazakhstan"
    ).click()
    assert page.url == f"{site.url}{region.get_absolute_url()}"
    expect_(page.get_by_role("heading", level=1)).to_have_text("Kazakhstan")
    expect_(page.get_by_role("link", name="Another Kazakhstan story")).to_be_visible()

    # From the region page: its feed, then a search for a word of the piece.
    feeds = page.locator('head link[rel="alternate"]')
    assert feeds.count() >= 1
    feed_url = feeds.first.get_attribute("href")
    page.goto(f"{reverse('articles:search')}?q=canals")
    expect_(page.get_by_role("link", name=piece.title)).to_be_visible()
    feed = page.request.get(feed_url)
    assert feed.ok and piece.title in feed.text()

    page.goto(piece.get_absolute_url())
    page.get_by_label("Your email address").fill("reader@example.org")
    page.get_by_role("button", name="Sign up to Frontline Updates").click()
    expect_(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")

    (message,) = mail.outbox
    link = re.search(r"https?://\S+/newsletter/confirm/\S+/", message.body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Yes, subscribe me").click()
    expect_(page.get_by_role("heading", level=1)).to_have_text("You are subscribed")
    assert Subscriber.objects.get(email="reader@example.org").is_confirmed


def test_signup_form_reports_a_bad_address_without_javascript(browser, site):
    context = browser.new_context(base_url=site.url, java_script_enabled=False)
    page = context.new_page()
    page.goto(reverse("newsletter:signup"))
    page.get_by_label("Your email address").fill("not an address")
    page.get_by_role("button", name="Sign up to Frontline Updates").click()
    field = page.get_by_label("Your email address")
    expect()(field).to_have_attribute("aria-invalid", "true")
    expect()(page.locator("#newsletter-email-error")).to_contain_text("Enter a valid email")
    context.close()
    assert not Subscriber.objects.exists()


def test_a_piece_prints_cleanly(page, site, newsroom):
    piece = newsroom["piece"]
    page.goto(piece.get_absolute_url())
    expect_ = expect()
    expect_(page.locator(".print-url")).to_be_hidden()
    page.emulate_media(media="print")
    expect_(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect_(page.locator(".calls")).to_be_hidden()
    expect_(page.locator(".print-url")).to_have_text(f"{site.url}{piece.get_absolute_url()}")
    expect_(page.locator("figcaption")).to_contain_text("(Photo: Andrei Grishin)")
    expect_(page.locator(".byline")).to_be_visible()
    link_after = page.locator(".body a").evaluate(
        "a => getComputedStyle(a, '::after').getPropertyValue('content')"
    )
    assert "https://example.org/report" in link_after
    assert page.pdf()[:4] == b"%PDF"


def test_editor_writes_and_publishes_an_interview(page, site, django_user_model, sign_in):
    desk = django_user_model.objects.create_superuser("desk", "desk@example.org", "pw-for-tests-1")
    expect_ = expect()
    sign_in(desk, "pw-for-tests-1")
    expect_(
        page.get_by_role("link", name="Log out").or_(page.locator("#logout-form"))
    ).to_have_count(1)

    page.goto(reverse("admin:interviews_interview_add"))
    page.locator("#id_title").fill("Borders and Trade: A Conversation")
    page.locator("#id_standfirst").fill("An economist on what the new checkpoints cost.")
    # A publishable piece needs a credited lead photo with alt text: choose it by autocomplete.
    make_photo(caption="Border queue", alt_text="Lorries queue at a border post")
    page.locator(".field-lead_photo .select2-selection").click()
    page.locator('.select2-search__field[aria-controls="select2-id_lead_photo-results"]').fill(
        "Border"
    )
    page.locator(".select2-results__option", has_text="Border queue").click()
    make_person(name="Nurlan Tursunov")
    page.locator(".field-interviewee .select2-selection").click()
    page.locator('.select2-search__field[aria-controls="select2-id_interviewee-results"]').fill(
        "Tursunov"
    )
    page.locator(".select2-results__option", has_text="Nurlan Tursunov").click()
    page.locator('.field-body [contenteditable="true"]').click()
    page.keyboard.insert_text("We spoke to an economist in Bishkek.")
    # A photo in the introduction, picked from the library in the editor's figure dialog.
    make_photo(caption="Checkpoint at dawn", alt_text="A barrier across an empty road")
    page.locator(".field-body").get_by_title("figure", exact=False).first.click()
    with page.expect_popup() as picker:
        page.get_by_role("button", name="Browse...").click()
    picker.value.get_by_role(
        "button", name=re.compile("Checkpoint at dawn.*Half width, right")
    ).click()
    dialog = page.locator("dialog[open]")
    expect_(dialog.locator("input[name=altText]")).to_have_value("A barrier across an empty road")
    dialog.get_by_role("button", name="Insert").click()

    # The form opens with one exchange to type into; "Add another" gives the next three.
    exchanges = [
        ("What changed at the border?", "Queues doubled in a month."),
        ("Who pays for it?", "Small traders, mostly."),
        ("Will it last?", "Until the harvest, at least."),
        ("What would help?", "One inspection instead of three."),
    ]
    add_segment = page.locator(".add-row a", has_text=re.compile("question and answer", re.I))
    for n, (question, answer) in enumerate(exchanges):
        if n:
            add_segment.click()
        page.locator(f"#id_segments-{n}-question").fill(question)
        inline = page.locator(f"#segments-{n}")
        inline.locator('.field-answer [contenteditable="true"]').click()
        page.keyboard.insert_text(answer)
    # The third exchange should come first: "Move up" twice; the last one cannot go lower.
    third = page.locator("#segments-2")
    third.get_by_role("button", name="Move up").click()
    third.get_by_role("button", name="Move up").click()
    expect_(page.locator("#id_segments-2-position")).to_have_value("1")
    expect_(page.locator("#id_segments-0-position")).to_have_value("2")
    page.locator("#segments-3").get_by_role("button", name="Move down").click()
    expect_(page.locator("#id_segments-3-position")).to_have_value("4")

    page.locator("#id_status").select_option("published")
    page.locator('input[name="_save"]').first.click()
    expect_(page.locator(".messagelist")).to_contain_text("was added successfully")

    interview = Interview.objects.get(title="Borders and Trade: A Conversation")
    assert interview.is_public
    segments = list(interview.segments.order_by("position"))
    assert [s.question for s in segments] == [
        "Will it last?",
        "What changed at the border?",
        "Who pays for it?",
        "What would help?",
    ]
    # Each exchange got the newsroom's and the interviewee's labels without retyping them.
    assert {(s.asker_label, s.answerer_label) for s in segments} == {
        (settings.KAZCMS_ORGANISATION, "Tursunov")
    }
    page.goto(interview.get_absolute_url())
    expect_(page.get_by_role("heading", level=1)).to_have_text(interview.title)
    dialogue = page.get_by_role("region", name="Interview")
    first = dialogue.locator(".exchange").first
    expect_(first).to_contain_text("Will it last?")
    expect_(first).to_contain_text(f"{settings.KAZCMS_ORGANISATION}:")
    expect_(dialogue).to_contain_text("Tursunov:")
    expect_(dialogue).to_contain_text("Queues doubled in a month.")
    expect_(dialogue).to_contain_text("Small traders, mostly.")
    expect_(page.locator(".body")).to_contain_text("We spoke to an economist in Bishkek.")
    inline_photo = page.locator(".body figure.inline-photo-right")
    expect_(inline_photo.locator("img")).to_have_attribute("alt", "A barrier across an empty road")
    expect_(inline_photo.locator("figcaption")).to_contain_text("Checkpoint at dawn")


def test_a_new_editor_enrols_a_second_factor_at_first_sign_in_then_writes(
    page, site, django_user_model
):
    # A superuser: the role groups of the data migration do not survive transactional flushes.
    django_user_model.objects.create_superuser("newdesk", "new@example.org", "pw-for-tests-1")
    expect_ = expect()
    page.goto(reverse("admin:index"))
    page.get_by_label("Username").fill("newdesk")
    page.get_by_label("Password").fill("pw-for-tests-1")
    page.get_by_role("button", name="Next").click()

    # No admin page yet: the setup wizard, with the QR code and the secret it encodes.
    expect_(page.get_by_role("heading", level=1)).to_contain_text("Two-Factor")
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Token generator").check()
    page.get_by_role("button", name="Next").click()
    # The QR code is an image the server draws: wait until it has loaded, then check it did.
    qr_code = page.get_by_alt_text("QR Code").element_handle()
    page.wait_for_function("img => img.complete", arg=qr_code)
    assert qr_code.evaluate("img => img.naturalWidth") > 0
    secret = page.locator('a[href^="otpauth://"]').inner_text().strip()
    page.get_by_label("Token").fill(authenticator_code(b32decode(secret).hex()))
    page.get_by_role("button", name="Next").click()

    expect_(page.get_by_role("heading", level=1)).to_have_text("Second factor set up")
    page.get_by_role("link", name="Show my recovery codes").click()
    page.get_by_role("button", name=re.compile("Generate Tokens", re.I)).click()
    expect_(page.locator("li", has_text=re.compile(r"^\s*\w{8}\s*$"))).to_have_count(10)

    # The admin and the prose editor work under the staff policy: the page fixture fails the
    # test on any console error, CSP violations included.
    page.goto(reverse("admin:articles_article_add"))
    page.locator('.field-body [contenteditable="true"]').click()
    page.keyboard.insert_text("Typed under a strict policy.")
    expect_(page.locator(".field-body")).to_contain_text("Typed under a strict policy.")


def test_reader_browses_by_country_and_topic_and_shares_a_piece(page, site, newsroom):
    from urllib.parse import parse_qs, urlsplit

    from articles.models import Topic

    piece, region = newsroom["piece"], newsroom["region"]
    piece.topics.add(Topic.objects.create(name="Water"))
    expect_ = expect()
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Regions").click()
    expect_(page.get_by_role("heading", level=1)).to_have_text("Regions")
    page.get_by_role("link", name=region.name).click()
    page.get_by_role("link", name=piece.title).first.click()
    expect_(page.get_by_role("heading", level=1)).to_have_text(piece.title)
    canonical = page.locator('link[rel="canonical"]').get_attribute("href")
    telegram = page.get_by_role("region", name="Share this piece").get_by_role(
        "link", name="Telegram"
    )
    assert parse_qs(urlsplit(telegram.get_attribute("href")).query)["url"] == [canonical]
    expect_(page.get_by_label("Link to copy")).to_have_value(canonical)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Topics").click()
    page.get_by_role("link", name="Water").click()
    expect_(page.get_by_role("link", name=piece.title)).to_be_visible()
    # The search box in the header, from any page.
    page.get_by_role("searchbox", name=re.compile("Search")).fill("canals")
    page.get_by_role("search").get_by_role("button", name="Search").click()
    expect_(page.get_by_role("link", name=piece.title)).to_be_visible()


def test_an_editor_gets_back_what_they_typed_after_a_reload(page, site, django_user_model, sign_in):
    # The browser keeps a copy of the open form; a crash, a lost connection or a refused
    # request (here: a reload before saving) must not lose what was typed.
    desk = django_user_model.objects.create_superuser("desk", "desk@example.org", "pw-for-tests-1")
    expect_ = expect()
    sign_in(desk, "pw-for-tests-1")
    expect_(page.locator("#logout-form")).to_have_count(1)
    add_url = reverse("admin:articles_article_add")
    page.goto(add_url)
    page.locator("#id_title").fill("Typed before the connection dropped")
    page.locator('.field-body [contenteditable="true"]').click()
    page.keyboard.insert_text("Two hours of reporting, not yet saved.")
    key = f"kazcms:form-backup:{add_url}"
    page.wait_for_function(
        "key => (localStorage.getItem(key) || '').includes('not yet saved')", arg=key
    )

    page.reload()
    expect_(page.locator("#id_title")).to_have_value("")
    restore = page.get_by_role("button", name=re.compile("^Restore unsaved changes from "))
    restore.click()
    expect_(page.locator("#id_title")).to_have_value("Typed before the connection dropped")
    expect_(page.locator(".field-body")).to_contain_text("Two hours of reporting, not yet saved.")

    page.locator('input[name="_save"]').first.click()
    expect_(page.locator(".messagelist")).to_contain_text("was added successfully")
    piece = Article.objects.get(title="Typed before the connection dropped")
    assert "Two hours of reporting, not yet saved." in piece.body
    # Saved: the copy is gone (dropped as the page after the save loads), and the next new
    # piece opens without an offer.
    page.wait_for_function("key => localStorage.getItem(key) === null", arg=key)
    page.goto(add_url)
    expect_(page.locator("#id_title")).to_be_visible()
    assert page.get_by_role("button", name=re.compile("Restore unsaved changes")).count() == 0


def test_the_slug_proposed_while_typing_is_the_one_saved(page, site, django_user_model, sign_in):
    desk = django_user_model.objects.create_superuser("desk", "desk@example.org", "pw-for-tests-1")
    expect_ = expect()
    sign_in(desk, "pw-for-tests-1")
    expect_(page.locator("#logout-form")).to_have_count(1)
    page.goto(reverse("admin:articles_person_add"))
    page.locator("#id_name").press_sequentially("Айгерим Нұрланова")
    page.locator("#id_name").press("End")  # a real key: Cyrillic is typed without keyup
    expect_(page.locator("#id_slug")).to_have_value("aygerim-nurlanova")
    page.locator('input[name="_save"]').first.click()
    expect_(page.locator(".messagelist")).to_contain_text("was added successfully")
    expect_(page.locator(".messagelist")).not_to_contain_text("web address")
