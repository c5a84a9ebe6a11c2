"""Demo newsroom content: a realistic, deterministic sample and a fast synthetic generator."""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.html import format_html

from articles.demo_images import landscape_jpeg
from articles.discovery.search.index import fill_search_vectors
from articles.models import (
    Article,
    ContentVersion,
    Funder,
    FundingProject,
    Person,
    Photo,
    Programme,
    Region,
    SealedIdentity,
    SitePage,
    SiteSettings,
    TaggedRegion,
    TaggedTopic,
    Topic,
)
from articles.photos import inline, renditions
from articles.text import count_words

DEMO_USERNAME = "editor"
DEMO_PASSWORD = "kazcms-demo-editor"  # noqa: S105 (demo only; refused when DEBUG is off)


def make_image_bytes(seed, size=(1200, 800), fmt="JPEG"):
    """A deterministic photographic-looking landscape (articles/demo_images.py)."""
    return landscape_jpeg(seed, size)


def demo_photo(key, caption, alt, credit_person=None, credit_text="", **fields):
    """The demo photo named ``key``, drawn and saved (renditions built) the first time."""
    photo = Photo.objects.filter(original_filename=f"{key}.jpg").first()
    if photo:
        if not renditions.is_current(photo):  # e.g. a database from before renditions
            renditions.rebuild(photo)
        return photo
    photo = Photo(
        caption=caption,
        alt_text=alt,
        credit_person=credit_person,
        credit_text=credit_text,
        **fields,
    )
    photo.original_filename = f"{key}.jpg"
    # Saving strips the metadata, as for an editor's upload; the demo then builds the
    # renditions itself, so its pages are complete before any worker runs (the queued job
    # finds them current and skips).
    photo.image = ContentFile(make_image_bytes(key), name=f"{key}.jpg")
    photo.save()
    if not renditions.is_current(photo):
        renditions.rebuild(photo)
    return photo


def demo_piece(model, slug, **fields):
    """The piece ``slug`` of ``model`` (any piece type), created with its relations if new."""
    tags = {name: fields.pop(name, []) for name in ("regions", "topics")}
    many = {name: fields.pop(name, []) for name in ("authors", "projects")}
    segments = fields.pop("segments", [])
    language = fields.pop("language", settings.LANGUAGE_CODE)
    piece, created = model.objects.get_or_create(slug=slug, language=language, defaults=fields)
    if created:
        for name, values in {**tags, **many}.items():
            getattr(piece, name).set(values)
        for position, segment in enumerate(segments, start=1):
            piece.segments.create(position=position, **segment)
    return piece


def paragraphs(*texts):
    return "".join(f"<p>{text}</p>" for text in texts)


def inline_figure(photo, placement, caption):
    """A library photo in the text, stored as the editor's figure dialog stores it."""
    return format_html(
        '<figure class="figure"><img src="{}" alt="{}" data-file="{}">'
        "<figcaption>{}</figcaption></figure>",
        photo.image.url,
        photo.alt_text,
        inline.reference(photo.pk, placement),
        caption,
    )


@dataclass
class DemoNewsroom:
    """The core demo content, handed to each registered builder to build on."""

    programme: Programme
    people: dict[str, Person]  # by slug
    projects: dict[str, FundingProject]  # by slug
    regions: dict[str, Region]  # by name
    topics: dict[str, Topic]  # by name
    photos: dict[str, Photo]  # police, steppe, city
    pieces: dict[str, Article]  # by slug
    newest_at: datetime  # the latest publication time; builders date their pieces from it
    featured: Article  # the piece ``load_demo`` points to; a builder may replace it


# Apps above articles add their part of the demo from their AppConfig.ready().
_builders: dict[str, Callable[[DemoNewsroom], None]] = {}


def register_builder(name, build):
    """Run ``build(newsroom)`` after the core demo content, in registration order;
    re-registering under the same ``name`` replaces, so ``ready()`` running twice is harmless."""
    _builders[name] = build


# The About page in Russian and Kazakh too; the other pages are in English in every edition.
DEMO_PAGE_TRANSLATIONS = {
    "about": {
        "ru": ("О нас", "Кто мы и как работаем.", [
            "Мы — сеть репортёров и редакторов по всей Центральной Азии. Мы публикуем "
            "аналитику, новости и интервью на английском, русском, казахском и кыргызском.",
            "Наших репортёров учит и редактирует наше собственное бюро; каждый материал "
            "проверяют как минимум два редактора.",
        ]),
        "kk": ("Біз туралы", "Біз кімбіз және қалай жұмыс істейміз.", [
            "Біз — Орталық Азиядағы тілшілер мен редакторлар желісіміз. Талдау, жаңалықтар "
            "мен сұхбаттарды ағылшын, орыс, қазақ және қырғыз тілдерінде жариялаймыз.",
        ]),
    },
}  # fmt: skip

DEMO_PAGES = [
    ("about", "About us", "Who we are and how we work.", [
        "We are a network of reporters and editors across Central Asia. We publish analysis, "
        "news and interviews in English, Russian, Kazakh and Kyrgyz.",
        "Our reporters are trained and edited by our own bureau; what we publish is checked "
        "by at least two editors.",
    ]),
    ("contact", "Contact", "How to reach the newsroom, safely.", [
        "Write to the bureau at desk@example.org. For anything sensitive, ask us first for a "
        "secure channel; do not send documents by ordinary email.",
    ]),
    ("editorial-policy", "Editorial policy", "How we report, correct and protect sources.", [
        "We correct errors openly, with a note at the foot of the piece saying what changed.",
        "We protect the people who talk to us: some of our writers publish under pen names, "
        "and we never name a source who asked not to be named.",
    ]),
    ("donate", "Donate", "Support independent reporting from Central Asia.", [
        "Our work is funded by grants and by readers. A donation of any size keeps local "
        "reporters working; write to support@example.org to give by bank transfer.",
    ]),
]  # fmt: skip


def _load_pages():
    pages = {}
    for position, (slug, name, description, texts) in enumerate(DEMO_PAGES, start=1):
        pages[slug], _ = SitePage.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": description,
                "body": paragraphs(*texts),
                "position": position,
                # The footer links Donate from the site settings, and the call box too.
                "in_footer": slug != "donate",
                "translations": {
                    language: {"name": name, "description": text, "body": paragraphs(*body)}
                    for language, (name, text, body) in DEMO_PAGE_TRANSLATIONS.get(slug, {}).items()
                },
            },
        )
    return pages


@transaction.atomic
def load_demo_newsroom():
    """Create (or find) the demo newsroom; safe to run any number of times."""
    pages = _load_pages()
    site = SiteSettings.load()
    if not site.donate_url or site.donate_url.startswith("mailto:"):
        site.donate_url = pages["donate"].get_absolute_url()
        site.telegram_url = site.telegram_url or "https://t.me/example_newsroom"
        site.save()
    newsroom = _load_core()
    for build in _builders.values():
        build(newsroom)
    _kazakh_only(newsroom)
    return newsroom


def _kazakh_only(newsroom):
    """A piece the Kazakh edition has and the others do not."""
    demo_piece(
        Article, "zher-reformasy-halyk-alandaidy",
        language="kk",
        title="Жер реформасы: халық неге алаңдайды",
        standfirst="Шетелдіктерге жер жалға беру туралы жоспар ауылдағы адамдарды "
        "алаңдатып отыр.",
        body=paragraphs(
            "Өзен жағасындағы ауылдарда жер мәселесі әр отбасының әңгімесіне айналды.",
            "Әкімдік жоспар әлі талқылануда екенін айтады, ал тұрғындар ашық тыңдау сұрайды.",
        ),
        kind=Article.Kind.ANALYSIS, published_at=newsroom.newest_at - timedelta(hours=5),
        lead_photo=newsroom.photos["steppe"], authors=[newsroom.people["aigerim-sadykova"]],
        regions=[newsroom.regions["Kazakhstan"]], topics=[newsroom.topics["Land"]],
        status=Article.Status.PUBLISHED, programme=newsroom.programme,
    )  # fmt: skip


# The demo's vocabulary in Russian, Kazakh and Kyrgyz (the editions' own words).
DEMO_NAMES = {
    "Kazakhstan": ("Казахстан", "Қазақстан", "Казакстан"),
    "Kyrgyzstan": ("Кыргызстан", "Қырғызстан", "Кыргызстан"),
    "Tajikistan": ("Таджикистан", "Тәжікстан", "Тажикстан"),
    "Central Asia": ("Центральная Азия", "Орталық Азия", "Борбордук Азия"),
    "Security": ("Безопасность", "Қауіпсіздік", "Коопсуздук"),
    "Extremism": ("Экстремизм", "Экстремизм", "Экстремизм"),
    "Politics": ("Политика", "Саясат", "Саясат"),
    "Economy": ("Экономика", "Экономика", "Экономика"),
    "Land": ("Земля", "Жер", "Жер"),
    "Central Asian Bureau for Analytical Reporting": (
        "Центральноазиатское бюро аналитической журналистики",
        "Орталық Азия аналитикалық журналистика бюросы",
        "Борбордук Азия аналитикалык журналистика бюросу",
    ),
    "Norwegian Ministry of Foreign Affairs": (
        "Министерство иностранных дел Норвегии",
        "Норвегия Сыртқы істер министрлігі",
        "Норвегиянын Тышкы иштер министрлиги",
    ),
    "European Union": ("Европейский союз", "Еуропалық одақ", "Европа Биримдиги"),
    "Building Capacity, Bridging Divides in Central Asia": (
        "Развитие потенциала и преодоление разногласий в Центральной Азии",
        "Орталық Азияда әлеуетті дамыту, алшақтықты жою",
        "Борбордук Азияда мүмкүнчүлүктөрдү өнүктүрүү, ажырымдарды жоюу",
    ),
    "Regional Voices": ("Голоса региона", "Аймақ үні", "Аймактын үнү"),
}
DEMO_DESCRIPTIONS = {
    "Analysis and interviews by journalists and experts across Central Asia.": (
        "Аналитика и интервью журналистов и экспертов со всей Центральной Азии.",
        "Орталық Азиядағы журналистер мен сарапшылардың талдауы және сұхбаттары.",
        None,  # Kyrgyz readers get the English text, marked as English
    ),
    "Cross-border reporting on water, land and migration.": (
        "Репортажи из разных стран о воде, земле и миграции.",
        "Су, жер және көші-қон туралы шекара асқан репортаждар.",
        None,
    ),
}


def _translate(row):
    """Fill a demo row's names in the other editions' languages, once."""
    if row.translations:
        return row
    for index, language in enumerate(("ru", "kk", "ky")):
        texts = {}
        if row.name in DEMO_NAMES:
            texts["name"] = DEMO_NAMES[row.name][index]
        description = getattr(row, "description", "")
        if description in DEMO_DESCRIPTIONS and DEMO_DESCRIPTIONS[description][index]:
            texts["description"] = DEMO_DESCRIPTIONS[description][index]
        if texts:
            row.translations[language] = texts
    row.save()
    return row


def _named_in_every_language(model, name):
    return _translate(model.objects.get_or_create(name=name)[0])


def _load_core():
    people = {}
    for slug, name, role, bio in [
        ("aigerim-sadykova", "Aigerim Sadykova", "Almaty correspondent",
         "Reports on security and the courts from Almaty."),
        ("timur-bekov", "Timur Bekov", "Editor, Central Asia desk",
         "Edits the bureau's analysis and interview series."),
        ("helen-carrow", "Helen Carrow", "Senior analyst for Eurasia at Meridian Risk",
         "Writes on political risk in the former Soviet Union."),
        ("nurlan-ospanov", "Nurlan Ospanov", "Photographer", "Freelance photographer in Almaty."),
        ("dana-zhaksylyk", "Dana Zhaksylyk", "Photographer", "Documentary photographer, Shymkent."),
    ]:  # fmt: skip
        people[slug], _ = Person.objects.get_or_create(
            slug=slug, defaults={"name": name, "role": role, "bio": bio}
        )
    # A reporter who writes under a pen name: readers see only it; Administrators can open who
    # is behind it (invented here), each opening audited.
    people["saule-tau"], created = Person.objects.get_or_create(
        slug="saule-tau",
        defaults={
            "name": "Saule Tau",
            "role": "Correspondent in the south (pen name)",
            "bio": "Writes on water and farming from southern Kazakhstan.",
            "is_pen_name": True,
        },
    )
    if created:
        SealedIdentity.objects.create(
            person=people["saule-tau"],
            real_name="(demo) an invented reporter",
            contact="Through the bureau chief only.",
            notes="Demo record: no real person.",
        )

    programme, _ = Programme.objects.get_or_create(
        slug="central-asia-bureau",
        defaults={
            "name": "Central Asian Bureau for Analytical Reporting",
            "description": "Analysis and interviews by journalists and experts across "
            "Central Asia.",
        },
    )
    norway, _ = Funder.objects.get_or_create(
        slug="norway-mfa", defaults={"name": "Norwegian Ministry of Foreign Affairs"}
    )
    eu, _ = Funder.objects.get_or_create(slug="eu", defaults={"name": "European Union"})
    bridging, _ = FundingProject.objects.get_or_create(
        slug="bridging-divides",
        defaults={
            "name": "Building Capacity, Bridging Divides in Central Asia",
            "programme": programme,
            "starts_on": date(2015, 1, 1),
            "ends_on": date(2027, 12, 31),
            "description": "Training and publishing support for local reporters and analysts.",
        },
    )
    bridging.funders.add(norway)
    voices, _ = FundingProject.objects.get_or_create(
        slug="regional-voices",
        defaults={
            "name": "Regional Voices",
            "programme": programme,
            "starts_on": date(2024, 1, 1),
            "description": "Cross-border reporting on water, land and migration.",
        },
    )
    voices.funders.add(eu)

    regions = {name: _named_in_every_language(Region, name)
               for name in ["Kazakhstan", "Kyrgyzstan", "Tajikistan", "Central Asia"]}  # fmt: skip
    topics = {name: _named_in_every_language(Topic, name)
              for name in ["Security", "Extremism", "Politics", "Economy", "Land"]}  # fmt: skip
    for row in (programme, norway, eu, bridging, voices):
        _translate(row)

    police = demo_photo(
        "demo-police", "The ridges of the Zailiysky Alatau above the plain south of Almaty",
        "Grey mountain ridges fading into haze above a yellow plain under a clouded sky",
        credit_person=people["nurlan-ospanov"], copyright_holder="Nurlan Ospanov",
        focal_x=35, focal_y=60,
    )  # fmt: skip
    steppe = demo_photo(
        "demo-steppe", "Grazing land below the hills outside Shymkent",
        "Wide yellow steppe under a blue sky, with rows of hills on the horizon",
        credit_person=people["dana-zhaksylyk"], copyright_holder="Dana Zhaksylyk",
        licence=Photo.Licence.CC_BY,
    )  # fmt: skip
    city = demo_photo(
        "demo-city", "The steppe road north towards Astana",
        "Open steppe running to low ridges under a pale sky",
        credit_text="Newsroom archive",
    )  # fmt: skip

    base_time = timezone.make_aware(datetime(2026, 11, 20, 10, 0))
    common = {"status": Article.Status.PUBLISHED, "programme": programme}
    south = demo_piece(
        Article, "southern-city-counts-cost-of-shooting",
        title="Southern City Counts the Cost of a Shooting Spree",
        standfirst="Residents ask why warnings about a local cell went unheeded.",
        body=paragraphs(
            "Shops stayed shut for a second day as investigators worked through the streets "
            "where the gunmen had moved from one target to the next.",
        ) + inline_figure(
            police, "right", "The hills south of the city, where the search went on for two days"
        ) + paragraphs(
            "Local officials promised a review of how the police had shared information "
            "with the security services in the weeks before the attack.",
        ),
        kind=Article.Kind.NEWS, published_at=base_time - timedelta(days=6), lead_photo=steppe,
        authors=[people["aigerim-sadykova"]], regions=[regions["Kazakhstan"]],
        topics=[topics["Security"]], projects=[bridging], **common,
    )  # fmt: skip
    west = demo_piece(
        Article, "religion-and-the-state-in-the-west",
        title="Religion and the State in the Country's West",
        standfirst="A generation that came of age after independence looks for new answers.",
        body=paragraphs(
            "In the oil towns of the west, young men who cannot find work in the industry "
            "are turning to informal prayer groups that meet outside official mosques.",
            "Community leaders say heavy-handed policing risks pushing the groups further "
            "underground, where nobody can talk to them.",
        ),
        kind=Article.Kind.ANALYSIS, published_at=base_time - timedelta(days=4), lead_photo=city,
        authors=[people["timur-bekov"]], regions=[regions["Kazakhstan"]],
        topics=[topics["Extremism"], topics["Politics"]], projects=[bridging], **common,
    )  # fmt: skip
    land = demo_piece(
        Article, "land-reform-protests",
        title="Why Land Reform Brought People onto the Streets",
        standfirst="Plans to lease farmland to foreign investors touched a nerve.",
        body=paragraphs(
            "The proposed changes to the land code were technical, but the idea that "
            "farmland could pass to foreign hands became a rallying point across the country.",
            "The government paused the reform and set up a commission to hear objections.",
        ),
        kind=Article.Kind.ANALYSIS, published_at=base_time - timedelta(days=2), lead_photo=steppe,
        authors=[people["aigerim-sadykova"], people["timur-bekov"]],
        regions=[regions["Kazakhstan"], regions["Central Asia"]],
        topics=[topics["Land"], topics["Economy"]], projects=[bridging, voices], **common,
    )  # fmt: skip
    water = demo_piece(
        Article, "water-sharing-on-the-syr-darya",
        title="Water Sharing on the Syr Darya Tests Neighbours",
        standfirst="Upstream dams and downstream farms need a deal before the summer.",
        body=paragraphs(
            "Every spring the same negotiation returns: how much water the upstream "
            "reservoirs release, and when.",
            "Farmers downstream say a late release can cost them a whole season.",
        ),
        kind=Article.Kind.COMMENT, published_at=base_time - timedelta(days=1), lead_photo=steppe,
        authors=[people["timur-bekov"], people["saule-tau"]],
        regions=[regions["Kyrgyzstan"], regions["Tajikistan"], regions["Central Asia"]],
        topics=[topics["Economy"]], projects=[voices], **common,
    )  # fmt: skip
    return DemoNewsroom(
        programme=programme,
        people=people,
        projects={project.slug: project for project in (bridging, voices)},
        regions=regions,
        topics=topics,
        photos={"police": police, "steppe": steppe, "city": city},
        pieces={piece.slug: piece for piece in (south, west, land, water)},
        newest_at=base_time,
        featured=water,
    )


def ensure_demo_editor():
    """The demo editor account, only in a DEBUG (local) configuration; returns (user, created)."""
    from django.contrib.auth import get_user_model

    if not settings.DEBUG:
        return None, False
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=DEMO_USERNAME, defaults={"is_staff": True, "is_superuser": True}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user, created


# One demo account per role, to try the editorial rules by hand.
DEMO_ROLE_USERS = {"reporter": "Contributors", "desk": "Editors"}


def ensure_demo_role_users():
    """Demo accounts in the Contributors and Editors roles (DEBUG only); returns the new ones."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    if not settings.DEBUG:
        return []
    created_names = []
    for username, role in DEMO_ROLE_USERS.items():
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"is_staff": True}
        )
        if created:
            user.set_password(f"kazcms-demo-{username}")
            user.save()
            user.groups.add(Group.objects.get(name=role))
            created_names.append(f"{username} ({role}, password kazcms-demo-{username})")
    return created_names


WORDS = [
    "region",
    "government",
    "border",
    "water",
    "energy",
    "election",
    "court",
    "reform",
    "village",
    "market",
    "migrant",
    "school",
    "journalist",
    "police",
    "budget",
    "harvest",
    "mountain",
    "river",
    "trade",
    "law",
    "city",
    "farmer",
    "ministry",
    "protest",
    "bank",
    "teacher",
    "hospital",
    "road",
    "railway",
    "pension",
    "language",
]


def generate_synthetic(count, batch_size=2000, seed=42, progress=None):
    """Bulk-insert ``count`` published synthetic articles with tags and authors."""
    rng = random.Random(seed)
    start = Article.objects.filter(slug__startswith="synthetic-").count()
    people = list(Person.objects.values_list("pk", flat=True)) or [
        Person.objects.create(name="Synthetic Author").pk
    ]
    regions = list(Region.objects.values_list("pk", flat=True)) or [
        Region.objects.create(name="Synthetic Region").pk
    ]
    topics = list(Topic.objects.values_list("pk", flat=True)) or [
        Topic.objects.create(name="Synthetic Topic").pk
    ]
    programmes = list(Programme.objects.values_list("pk", flat=True)) or [None]
    kinds = [k for k in Article.Kind.values if k != Article.Kind.INTERVIEW]
    now = timezone.now()
    author_link = Article.authors.through
    done = 0
    while done < count:
        size = min(batch_size, count - done)
        rows = []
        for i in range(start + done, start + done + size):
            words = [rng.choice(WORDS) for _ in range(8)]
            body = "".join(
                "<p>" + " ".join(rng.choice(WORDS) for _ in range(60)).capitalize() + ".</p>"
                for _ in range(5)
            )
            rows.append(
                Article(
                    title=" ".join(words[:6]).capitalize() + f" {i}",
                    slug=f"synthetic-{i:07d}",
                    standfirst=" ".join(words).capitalize() + ".",
                    body=body,
                    word_count=count_words(body),  # bulk_create skips save()
                    kind=rng.choice(kinds),
                    status=Article.Status.PUBLISHED,
                    published_at=now - timedelta(minutes=i + 60),
                    programme_id=rng.choice(programmes),
                )
            )
        with transaction.atomic():
            created = Article.objects.bulk_create(rows)
            author_link.objects.bulk_create(
                author_link(article_id=a.pk, person_id=rng.choice(people)) for a in created
            )
            TaggedRegion.objects.bulk_create(
                TaggedRegion(content_object_id=a.pk, tag_id=rng.choice(regions)) for a in created
            )
            TaggedTopic.objects.bulk_create(
                TaggedTopic(content_object_id=a.pk, tag_id=rng.choice(topics)) for a in created
            )
            # bulk_create skips save(): fill the batch's search vectors in one UPDATE.
            fill_search_vectors(Article.objects.filter(pk__in=[a.pk for a in created]))
        done += size
        if progress:
            progress(done, count)
    ContentVersion.bump()  # bulk_create sends no signal: cached pages must show the new pieces
    # Fresh statistics after a bulk load: without them PostgreSQL's planner took a slug lookup
    # for a scan of every piece (5-8 ms instead of under 1 ms at 5,000 pieces).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return done
