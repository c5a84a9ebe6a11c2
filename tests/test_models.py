from datetime import UTC, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Article, FundingProject, Person, RelatedArticle
from interviews.models import Interview

from .factories import (
    make_article,
    make_draft,
    make_interview,
    make_photo,
    make_programme,
    make_project,
)

pytestmark = pytest.mark.django_db


class TestSlugs:
    def test_slug_made_from_title(self):
        assert make_article(title="What Next After the Shootings?").slug == (
            "what-next-after-the-shootings"
        )

    def test_cyrillic_title_is_transliterated(self):
        assert (
            make_article(title="Что дальше после выстрелов").slug == "chto-dalshe-posle-vystrelov"
        )

    def test_kazakh_letters_are_transliterated(self):
        assert make_article(title="Қазақстан және әлем").slug == "qazaqstan-zhane-alem"

    @pytest.mark.parametrize(
        ("title", "slug"),
        [
            ("Ўзбекистон ва Ҳамкорлик", "ozbekiston-va-hamkorlik"),  # Uzbek
            (
                "Ғалаба Ңоқ Өзгеріс Үміт Ұлттық Һауа Іс Әлем",
                "galaba-noq-ozgeris-umit-ulttyq-haua-is-alem",
            ),
            ("Тоҷикистон ва ӯ", "tojikiston-va-u"),  # Tajik
            ("Кыргызстандагы шайлоо", "kyrgyzstandagy-shayloo"),  # Kyrgyz
        ],
    )
    def test_letters_of_every_edition_become_readable_ascii(self, title, slug):
        made = make_article(title=title).slug
        assert made == slug and made.isascii()

    def test_title_without_letters_still_gets_a_slug(self):
        assert make_article(title="???").slug == "piece"

    def test_duplicate_titles_get_distinct_slugs(self):
        first, second = make_article(title="Same"), make_article(title="Same")
        assert (first.slug, second.slug) == ("same", "same-2")

    def test_interviews_share_the_article_slug_space(self):
        article = make_article(title="Same title")
        interview = make_interview(title="Same title")
        assert article.slug != interview.slug

    def test_editor_slug_is_kept(self):
        assert make_article(title="Long title", slug="short").slug == "short"

    def test_resaving_keeps_the_slug(self):
        article = make_article(title="Stable")
        article.title = "Changed"
        article.save()
        assert article.slug == "stable"

    def test_person_slug_from_cyrillic_name(self):
        assert Person.objects.create(name="Айгерим Садыкова").slug == "aygerim-sadykova"


class TestPublishedRule:
    def test_only_published_past_pieces_are_public(self):
        public = make_article()
        make_draft()
        make_article(published_at=timezone.now() + timedelta(hours=1))  # scheduled
        assert list(Article.objects.published()) == [public]

    def test_publishing_without_time_sets_it(self):
        article = make_article(published_at=None)
        assert article.published_at is not None
        assert article in Article.objects.published()

    def test_interview_is_also_an_article(self):
        interview = make_interview()
        assert Article.objects.published().get().pk == interview.pk
        assert interview.kind == Article.Kind.INTERVIEW
        assert Article.objects.get(pk=interview.pk).get_absolute_url() == (
            f"/en/interviews/{interview.slug}/"
        )


class TestSanitization:
    def test_body_is_sanitized_on_save(self):
        article = make_article(
            body='<p onclick="x()">Hi<script>alert(1)</script></p>'
            '<a href="javascript:alert(1)">link</a><iframe src="//evil"></iframe>'
            "<img src=x onerror=alert(1)>"
        )
        article.refresh_from_db()
        for bad in ("script", "onclick", "javascript:", "iframe", "onerror", "<img"):
            assert bad not in article.body
        assert "<p>Hi</p>" in article.body

    def test_allowed_formatting_survives(self):
        html = '<h2>Sub</h2><p><strong>b</strong> <em>i</em> <a href="https://x.org">l</a></p>'
        article = make_article(body=html)
        assert "<strong>b</strong>" in article.body and "<h2>Sub</h2>" in article.body
        assert 'href="https://x.org"' in article.body

    def test_answer_is_sanitized_on_save(self):
        interview = make_interview(segments=0)
        segment = interview.segments.create(
            position=1, question="Q?", answer="<p>A<script>alert(1)</script></p><style>x</style>"
        )
        segment.refresh_from_db()
        assert "script" not in segment.answer and "style" not in segment.answer
        assert segment.answer.startswith("<p>A")


class TestModelRules:
    def test_house_date_format(self):
        article = make_article(
            published_at=timezone.make_aware(timezone.datetime(2016, 7, 28, 9, 0))
        )
        assert article.display_date == "Thursday, 28 July, 2016"

    def test_date_is_shown_in_newsroom_time(self, settings):
        settings.TIME_ZONE = "Asia/Almaty"
        # 20:30 UTC on 27 July is already 28 July in Almaty (UTC+5)
        utc = timezone.datetime(2016, 7, 27, 20, 30, tzinfo=UTC)
        assert make_article(published_at=utc).display_date == "Thursday, 28 July, 2016"

    def test_bureau_line(self, settings):
        settings.KAZCMS_ORGANISATION = "IWPR"
        programme = make_programme(name="Central Asian Bureau")
        assert programme.bureau_line == "Central Asian Bureau is a project of IWPR"

    def test_acknowledgement_line(self, settings):
        settings.KAZCMS_ORGANISATION = "IWPR"
        project = make_project(name="Bridging Divides")
        project.funders.all().update(name="Norway")
        assert project.acknowledgement_text() == (
            "This publication was produced under IWPR project Bridging Divides, funded by Norway."
        )

    def test_acknowledgement_joins_several_funders(self):
        project = make_project(acknowledgement="Supported by {funders}.")
        from articles.models import Funder

        project.funders.set([Funder.objects.create(name=n) for n in ("A", "B", "C")])
        assert project.acknowledgement_text() == "Supported by A, B and C."

    def test_project_end_before_start_is_refused(self):
        project = FundingProject(
            name="P", starts_on=timezone.datetime(2020, 1, 2), ends_on=timezone.datetime(2020, 1, 1)
        )
        with pytest.raises(ValidationError, match="end date"):
            project.full_clean()

    def test_photo_credit_prefers_person(self):
        from .factories import make_person

        person = make_person(name="Andrei Grishin")
        assert make_photo(credit_person=person).credit == "Andrei Grishin"
        assert make_photo(credit_text="Agency").credit == "Agency"

    def test_photo_stores_dimensions_and_generated_name(self):
        photo = make_photo()
        assert (photo.width, photo.height) == (64, 48)
        assert photo.original_filename == "test.jpg"
        assert "test" not in photo.image.name

    def test_related_article_cannot_point_to_itself(self):
        article = make_article()
        with pytest.raises(IntegrityError), transaction.atomic():
            RelatedArticle.objects.create(from_article=article, to_article=article)

    def test_related_articles_keep_editor_order(self):
        article = make_article()
        a, b, c = make_article(), make_article(), make_article()
        for position, target in ((2, a), (1, c), (3, b)):
            RelatedArticle.objects.create(
                from_article=article, to_article=target, position=position
            )
        detail = Article.objects.for_detail().get(pk=article.pk)
        assert detail.related_articles() == [c, a, b]

    def test_unpublished_related_articles_are_left_out(self):
        article, draft = make_article(), make_draft()
        RelatedArticle.objects.create(from_article=article, to_article=draft)
        assert Article.objects.for_detail().get(pk=article.pk).related_articles() == []

    def test_interviewee_role_at_the_time(self):
        interview = make_interview()
        interview.interviewee.role = "Now a minister"
        assert interview.interviewee_description == "Now a minister"
        interview.interviewee_role = "Then an analyst"
        assert interview.interviewee_description == "Then an analyst"

    def test_latest_per_programme_limits_each_programme(self):
        first, second = make_programme(), make_programme()
        for _ in range(6):
            make_article(programme=first)
        make_article(programme=second)
        rows = list(Article.objects.published().latest_per_programme(per_programme=4))
        assert [r.programme for r in rows].count(first) == 4
        assert [r.programme for r in rows].count(second) == 1


def test_segment_positions_are_ordered():
    interview = make_interview(segments=0)
    for position in (3, 1, 2):
        interview.segments.create(position=position, question=f"Q{position}", answer="<p>A</p>")
    detail = Interview.objects.for_detail().get(pk=interview.pk)
    assert [s.question for s in detail.segments.all()] == ["Q1", "Q2", "Q3"]


def test_publishing_refused_while_lead_photo_lacks_alt_text():
    article = make_draft(lead_photo=make_photo(alt_text="", caption="Market day"))
    article.status = Article.Status.PUBLISHED
    with pytest.raises(ValidationError, match="“Market day” has no alt text"):
        article.full_clean()
    article.status = Article.Status.DRAFT
    article.full_clean()  # drafts may lack it
