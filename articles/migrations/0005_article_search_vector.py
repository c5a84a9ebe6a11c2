import django.contrib.postgres.search
from django.db import migrations

# The GIN index and the first fill exist on PostgreSQL only (SQLite has no tsvector).
# The index is kept out of Meta.indexes so SQLite table rebuilds never try to create it.
# Interviews get their questions and answers added by `manage.py update_search_index`.
FILL = """
UPDATE articles_article SET search_vector =
    setweight(to_tsvector('russian', coalesce(title, '')), 'A')
    || setweight(to_tsvector('simple', coalesce(title, '')), 'A')
    || setweight(to_tsvector('russian', coalesce(standfirst, '')), 'B')
    || setweight(to_tsvector('simple', coalesce(standfirst, '')), 'B')
    || setweight(to_tsvector('russian', coalesce(body, '')), 'C')
    || setweight(to_tsvector('simple', coalesce(body, '')), 'C')
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX article_search_idx ON articles_article USING gin (search_vector)"
        )
        schema_editor.execute(FILL)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS article_search_idx")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_roles"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(forwards, backwards),
    ]
