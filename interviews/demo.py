"""The interviews app's part of the demo newsroom: a Q&A interview linked to three pieces.

Registered from ``InterviewsConfig.ready()`` so ``articles`` never imports us.
"""

from django.conf import settings

from articles.demo import demo_piece, paragraphs, register_builder
from articles.models import Article, RelatedArticle

from .models import Interview


def build(newsroom):
    """The featured interview of the demo newsroom; safe to run any number of times."""
    people, regions, topics = newsroom.people, newsroom.regions, newsroom.topics
    speakers = {"asker_label": settings.KAZCMS_ORGANISATION, "answerer_label": "Carrow"}
    interview = demo_piece(
        Interview, "after-the-shootings-what-next",
        title="After the Shootings, What Next for Security Policy?",
        standfirst="The authorities should deal with concrete threats rather than chase "
        "stories of foreign plots, an analyst argues.",
        body=paragraphs(
            "Two deadly attacks within weeks have left the country asking how well its "
            "police and security services can deal with armed extremists.",
            "Officials linked the gunman in the most recent attack to radical preachers he "
            "met while serving a prison sentence.",
            "Helen Carrow, who follows security and politics in the region for a risk "
            "consultancy, spoke to us about what a proportionate response would look like.",
        ),
        published_at=newsroom.newest_at, lead_photo=newsroom.photos["police"], is_featured=True,
        authors=[people["timur-bekov"]], interviewee=people["helen-carrow"],
        interviewee_role="senior analyst for Eurasia at Meridian Risk",
        regions=[regions["Kazakhstan"], regions["Central Asia"]],
        topics=[topics["Security"], topics["Extremism"]],
        projects=[newsroom.projects["bridging-divides"]],
        # Every exchange labelled as published: the newsroom asks, the interviewee answers.
        segments=[{**speakers, **exchange} for exchange in [
            {"question": "Were the police and security services ready for attacks like these?",
             "answer": paragraphs(
                 "It is too early to blame the police. Cities with far larger budgets have "
                 "struggled to stop attacks of this kind. Here, at least, the suspect was "
                 "caught within hours.")},
            {"question": "Officials say both attacks came from the same radical current. "
                         "Is that credible?",
             "answer": paragraphs(
                 "So far I have seen nothing that points to a different kind of group. "
                 "A loose network of like-minded people is the most likely explanation.",
                 "Only a small part of that network is prepared to use violence, but the "
                 "spread to the largest city is a real worry.")},
            {"question": "Is extremism a long-term threat?",
             "answer": paragraphs(
                 "It is hard to measure. The movement here is more scattered than in "
                 "neighbouring countries, where villages are closer together and groups "
                 "organise more easily.",
                 "What is new is the link to fighters abroad, and we do not yet know whether "
                 "that link is about support or only inspiration.")},
            {"question": "Could politics be behind the unrest?",
             "answer": paragraphs(
                 "I do not think so. The protests and the attacks have nothing to do with "
                 "each other, and neither looks like the product of a power struggle.",
                 "The danger is a response so heavy that it turns ordinary people against "
                 "the state at a time of economic strain.")},
        ]],
        status=Article.Status.PUBLISHED, programme=newsroom.programme,
    )  # fmt: skip
    related = [
        "southern-city-counts-cost-of-shooting",
        "religion-and-the-state-in-the-west",
        "land-reform-protests",
    ]
    for position, slug in enumerate(related, start=1):
        RelatedArticle.objects.get_or_create(
            from_article=interview,
            to_article=newsroom.pieces[slug],
            defaults={"position": position},
        )
    newsroom.featured = interview
    _russian_edition(newsroom, interview)


def _russian_edition(newsroom, interview):
    """The same interview in the Russian edition: its own piece, title, slug and segments,
    linked to the English one by the translation key."""
    people, regions, topics = newsroom.people, newsroom.regions, newsroom.topics
    speakers = {"asker_label": settings.KAZCMS_ORGANISATION, "answerer_label": "Кэрроу"}
    demo_piece(
        Interview, "posle-strelby-chto-dalshe",
        language="ru", translation_key=interview.translation_key,
        translated_from=interview, source_text_revision=interview.text_revision,
        title="После стрельбы: что дальше для политики безопасности?",
        standfirst="Власти должны заниматься реальными угрозами, а не искать иностранный "
        "след, считает аналитик.",
        body=paragraphs(
            "Два нападения за несколько недель заставили страну спросить, готовы ли полиция "
            "и спецслужбы к вооружённым экстремистам.",
            "Хелен Кэрроу, аналитик по вопросам безопасности, рассказала нам, каким мог бы "
            "быть соразмерный ответ.",
        ),
        published_at=newsroom.newest_at, lead_photo=newsroom.photos["police"],
        authors=[people["timur-bekov"]], interviewee=people["helen-carrow"],
        interviewee_role="старший аналитик по Евразии, Meridian Risk",
        regions=[regions["Kazakhstan"], regions["Central Asia"]],
        topics=[topics["Security"], topics["Extremism"]],
        projects=[newsroom.projects["bridging-divides"]],
        segments=[{**speakers, **exchange} for exchange in [
            {"question": "Были ли полиция и спецслужбы готовы к таким нападениям?",
             "answer": paragraphs(
                 "Думаю, нет. Протесты и нападения не связаны между собой, и ни то ни другое "
                 "не похоже на следствие борьбы за власть.",
                 "Опасность в слишком жёстком ответе, который настроит людей против "
                 "государства в трудное для экономики время.")},
        ]],
        status=Article.Status.PUBLISHED, programme=newsroom.programme,
    )  # fmt: skip


def register():
    register_builder("interviews", build)
