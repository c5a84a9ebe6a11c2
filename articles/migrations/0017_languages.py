import uuid

from django.db import migrations, models

import articles.languages


def give_each_piece_its_own_key(apps, schema_editor):
    # One key per existing piece: a default in AddField would give every row the same one.
    Article = apps.get_model("articles", "Article")
    for pk in Article.objects.values_list("pk", flat=True).iterator():
        Article.objects.filter(pk=pk).update(translation_key=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0016_site_pages_social_links"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="language",
            field=articles.languages.LanguageField(
                default=articles.languages.default_language,
                help_text="The edition this piece appears in.",
                max_length=12,
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="translation_key",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.RunPython(give_each_piece_its_own_key, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="article",
            name="translation_key",
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name="article",
            name="slug",
            field=models.SlugField(
                allow_unicode=True,
                blank=True,
                help_text="Part of the web address. Left empty, it is made from the title.",
                max_length=255,
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["language", "status", "-published_at"], name="article_edition_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.UniqueConstraint(
                fields=("language", "slug"), name="article_slug_per_language"
            ),
        ),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.UniqueConstraint(
                fields=("translation_key", "language"),
                name="article_one_translation_per_language",
            ),
        ),
    ]
