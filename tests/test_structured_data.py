import json
import re
from datetime import datetime

import pytest
from django.utils import timezone

from articles.models import Funder
from articles.photos import renditions

from .factories import (
    make_article,
    make_interview,
    make_newsroom,
    make_person,
    make_photo,
    make_project,
)

pytestmark = pytest.mark.django_db

LD_RE = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def json_ld_blocks(html):
    return [json.loads(block) for block in LD_RE.findall(html)]


def graph(client, piece):
    response = client.get(piece.get_absolute_url())
    assert response.status_code == 200
    (block,) = json_ld_blocks(response.content.decode())
    assert block["@context"] == "https://schema.org"
    nodes = {node["@type"]: node for node in block["@graph"]}
    return nodes, response.content.decode()


def meta(html, name):
    return re.findall(rf'<meta (?:property|name)="{re.escape(name)}" content="([^"]*)">', html)


@pytest.fixture
def rich_piece():
    photographer = make_person(name="Andrei Grishin")
    photo = make_photo(
        caption="Police in Almaty", credit_person=photographer, alt_text="Police on a street"
    )
    project = make_project(
        name="Bridging Divides",
        funders=[
            Funder.objects.create(name="Norway MFA", url="https://norway.example/"),
            Funder.objects.create(name="Open Society"),
        ],
    )
    public = {
        "title": "What Next?",
        "standfirst": "Government needs to tackle specific risks.",
        "kind": "analysis",
        "published_at": timezone.make_aware(datetime(2026, 7, 28, 12, 30)),
        "lead_photo": photo,
    }
    return make_newsroom(project=project, public=public, hidden=False)["public"]


def test_article_json_ld_describes_the_piece(client, rich_piece):
    nodes, _ = graph(client, rich_piece)
    piece = nodes["AnalysisNewsArticle"]
    url = f"http://testserver{rich_piece.get_absolute_url()}"
    assert piece["headline"] == "What Next?"
    assert piece["description"] == "Government needs to tackle specific risks."
    assert piece["url"] == piece["mainEntityOfPage"] == url
    # Times carry the newsroom's offset (Asia/Almaty is UTC+5).
    assert piece["datePublished"] == "2026-07-28T12:30:00+05:00"
    assert piece["dateModified"] >= piece["datePublished"][:10]
    assert re.search(r"[+-]\d\d:\d\d$", piece["dateModified"])
    assert piece["author"] == [
        {
            "@type": "Person",
            "name": "Aigerim Writer",
            "url": f"http://testserver{rich_piece.authors.get().get_absolute_url()}",
        }
    ]
    assert piece["keywords"] == ["Kazakhstan", "Security"]
    assert piece["funder"] == [
        {"@type": "Organization", "name": "Norway MFA", "url": "https://norway.example/"},
        {
            "@type": "Organization",
            "name": "Open Society",
            "url": "http://testserver/en/funders/open-society/",
        },
    ]
    logo = piece["publisher"]["logo"]
    assert logo["url"] == "http://testserver/static/img/logo.png"
    assert (logo["width"], logo["height"]) == (600, 60)


def test_lead_image_is_an_image_object_with_caption_and_credit(client, rich_piece):
    nodes, _ = graph(client, rich_piece)
    image = nodes["AnalysisNewsArticle"]["image"]
    photo = rich_piece.lead_photo
    assert image["@type"] == "ImageObject"
    rendition = renditions.published_image(photo)  # never the original upload
    assert image["url"] == image["contentUrl"] == f"http://testserver{rendition.url}"
    assert (image["width"], image["height"]) == (64, 48)
    assert image["caption"] == "Police in Almaty"
    assert image["creditText"] == "Andrei Grishin"
    assert image["creator"]["name"] == "Andrei Grishin"
    assert image["creator"]["url"].endswith(photo.credit_person.get_absolute_url())


def test_a_typed_credit_line_is_a_person(client):
    # A photographer typed as text (or "Name withheld") is a person, not an organisation.
    piece = make_article(lead_photo=make_photo(credit_text="Daniyar Photographer"))
    nodes, _ = graph(client, piece)
    image = nodes["AnalysisNewsArticle"]["image"]
    assert image["creditText"] == "Daniyar Photographer"
    assert image["creator"] == {"@type": "Person", "name": "Daniyar Photographer"}


def test_breadcrumbs_lead_from_home_through_the_programme(client, rich_piece):
    nodes, _ = graph(client, rich_piece)
    items = nodes["BreadcrumbList"]["itemListElement"]
    assert [item["position"] for item in items] == [1, 2, 3]
    assert [item["name"] for item in items][1:] == ["Central Asia Bureau", "What Next?"]
    assert items[0]["item"] == "http://testserver/en/"
    assert items[2]["item"] == f"http://testserver{rich_piece.get_absolute_url()}"


@pytest.mark.parametrize(
    ("kind", "schema_type"),
    [
        ("news", "NewsArticle"),
        ("analysis", "AnalysisNewsArticle"),
        ("comment", "OpinionNewsArticle"),
        ("feature", "ReportageNewsArticle"),
    ],
)
def test_each_kind_gets_its_schema_type(client, kind, schema_type):
    nodes, _ = graph(client, make_article(kind=kind))
    assert schema_type in nodes


def test_interview_names_the_interviewee(client):
    interviewee = make_person(name="Helen Carrow", role="analyst")
    interview = make_interview(interviewee=interviewee, interviewee_role="then a diplomat")
    nodes, _ = graph(client, interview)
    piece = nodes["ReportageNewsArticle"]
    assert piece["genre"] == "Interview"
    assert piece["about"]["name"] == "Helen Carrow"
    assert piece["about"]["description"] == "then a diplomat"
    assert piece["about"]["url"].endswith(interviewee.get_absolute_url())


def test_unsigned_piece_is_authored_by_the_organisation(client, settings):
    settings.KAZCMS_ORGANISATION = "IWPR"
    nodes, _ = graph(client, make_article())
    assert nodes["AnalysisNewsArticle"]["author"] == [{"@type": "Organization", "name": "IWPR"}]


def test_script_closing_tag_in_a_title_cannot_break_out(client):
    title = 'Breaking </script><script>alert("x")</script> & <!-- news'
    piece = make_article(title=title, standfirst="</SCRIPT> too")
    response = client.get(piece.get_absolute_url())
    html = response.content.decode()
    head = html.split("</head>")[0]
    # The only script element in the head is the JSON-LD one, and it parses back intact.
    assert head.count("<script") == 1
    assert "<script>alert" not in html
    (block,) = json_ld_blocks(html)
    article = block["@graph"][0]
    assert article["headline"] == title
    assert article["description"] == "</SCRIPT> too"


def test_opengraph_and_twitter_tags(client, rich_piece):
    _, html = graph(client, rich_piece)
    url = f"http://testserver{rich_piece.get_absolute_url()}"
    photo = rich_piece.lead_photo
    assert meta(html, "og:type") == ["article"]
    assert meta(html, "og:title") == ["What Next?"]
    assert meta(html, "og:description") == ["Government needs to tackle specific risks."]
    assert meta(html, "og:url") == [url]
    assert meta(html, "article:published_time") == ["2026-07-28T12:30:00+05:00"]
    from articles.photos import renditions

    social = renditions.social_image(photo)  # the social crop, never enlarged
    assert meta(html, "og:image") == [f"http://testserver{social.url}"]
    assert "-social-" in social.url
    assert meta(html, "og:image:width") == [str(social.width)]
    assert meta(html, "og:image:height") == [str(social.height)]
    assert meta(html, "og:image:alt") == ["Police on a street"]
    assert meta(html, "article:tag") == ["Kazakhstan", "Security"]
    assert meta(html, "twitter:card") == ["summary_large_image"]
    assert meta(html, "twitter:image") == meta(html, "og:image")
    assert f'<link rel="canonical" href="{url}">' in html


def test_piece_without_photo_gets_a_small_card_and_no_image(client):
    piece = make_article(title='Quotes "and" <tags>')
    nodes, html = graph(client, piece)
    assert "image" not in nodes["AnalysisNewsArticle"]
    assert meta(html, "og:image") == []
    assert meta(html, "twitter:card") == ["summary"]
    assert meta(html, "og:title") == ["Quotes &quot;and&quot; &lt;tags&gt;"]


def test_home_page_describes_the_website_and_publisher(client, settings):
    settings.KAZCMS_SITE_NAME = "Steppe Times"
    settings.KAZCMS_ORGANISATION = "IWPR"
    html = client.get("/en/").content.decode()
    (block,) = json_ld_blocks(html)
    (website,) = block["@graph"]
    assert website["@type"] == "WebSite"
    assert website["name"] == "Steppe Times"
    assert website["publisher"]["name"] == "IWPR"
    assert meta(html, "og:type") == ["website"]
    assert meta(html, "og:url") == ["http://testserver/en/"]


def test_printed_piece_shows_its_address(client):
    piece = make_article()
    html = client.get(piece.get_absolute_url()).content.decode()
    assert (
        f'<p class="print-only print-url">http://testserver{piece.get_absolute_url()}</p>' in html
    )


def test_favicon_address_leads_to_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/img/favicon.svg"
    assert '<link rel="icon" href="/static/img/favicon.svg"' in client.get("/en/").content.decode()


@pytest.mark.django_db
def test_shared_image_is_the_1200x630_rendition_with_rights_in_json_ld(client):
    import json
    import re

    from .factories import image_upload, make_article, make_photo

    photo = make_photo(copyright_holder="Newsroom Ltd", licence="cc-by-4.0")
    photo.image.save("big.jpg", image_upload(size=(2400, 1600)))
    article = make_article(lead_photo=photo)
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<meta property="og:image:width" content="1200">' in html
    assert '<meta property="og:image:height" content="630">' in html
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(block)
    pieces = data.get("@graph", [data])
    image = next(p for p in pieces if "headline" in p)["image"]
    assert image["copyrightNotice"] == "Newsroom Ltd"
    assert image["license"].startswith("https://creativecommons.org/")
