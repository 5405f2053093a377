"""Full-text search (PostgreSQL) and the daily read counts behind « most read ».

On PostgreSQL: the `unaccent` extension (trusted since PostgreSQL 13, so the database
owner may create it), a `french_unaccent` text-search configuration (the stock `french`
one keeps accents, so "election" would not find « élection »), the GIN index on
`Article.search_vector`, and the vectors of the articles already there. On SQLite all
of this is a no-op: the column exists but stays empty, and articles.discovery.search matches
text instead.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

SEARCH_CONFIGURATION = """
CREATE EXTENSION IF NOT EXISTS unaccent;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
        CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
        ALTER TEXT SEARCH CONFIGURATION french_unaccent
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
    END IF;
END
$$;
"""

# The same document as articles.discovery.search.search_document(), frozen here as SQL so that
# this migration keeps working whatever that module becomes.
FILL_VECTORS = """
UPDATE articles_article AS a SET search_vector =
    setweight(to_tsvector('french_unaccent', coalesce(a.title, '')), 'A')
    || setweight(to_tsvector('french_unaccent', coalesce(a.standfirst, '')), 'B')
    || setweight(to_tsvector('french_unaccent', coalesce(a.body, '')), 'C')
    || setweight(to_tsvector('french_unaccent', coalesce((
        SELECT string_agg(t.name, ' ')
        FROM taggit_taggeditem ti
        JOIN taggit_tag t ON t.id = ti.tag_id
        JOIN django_content_type ct ON ct.id = ti.content_type_id
        WHERE ct.app_label = 'articles' AND ct.model = 'article' AND ti.object_id = a.id
    ), '')), 'D');
"""


def _on_postgresql(schema_editor):
    return schema_editor.connection.vendor == "postgresql"


def create_search_configuration(apps, schema_editor):
    if _on_postgresql(schema_editor):
        schema_editor.execute(SEARCH_CONFIGURATION)


def drop_search_configuration(apps, schema_editor):
    if _on_postgresql(schema_editor):
        # The extension stays: other objects of the database may use it.
        schema_editor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent;")


def create_search_index(apps, schema_editor):
    if _on_postgresql(schema_editor):
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS article_search_idx "
            "ON articles_article USING gin (search_vector);"
        )
        # Keep the vector in the row (compressed) and let the body go out of line
        # instead: a search that walks the newest articles then reads one heap page per
        # article instead of several TOAST pages (measured: 11k buffers instead of 56k
        # for 11,000 articles). See docs/search.md.
        schema_editor.execute(
            "ALTER TABLE articles_article ALTER COLUMN search_vector SET STORAGE MAIN;"
        )


def drop_search_index(apps, schema_editor):
    if _on_postgresql(schema_editor):
        schema_editor.execute("DROP INDEX IF EXISTS article_search_idx;")
        schema_editor.execute(
            "ALTER TABLE articles_article ALTER COLUMN search_vector SET STORAGE EXTENDED;"
        )


def fill_search_vectors(apps, schema_editor):
    if _on_postgresql(schema_editor):
        schema_editor.execute(FILL_VECTORS)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0005_newsroom_roles'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('taggit', '0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx'),
    ]

    operations = [
        migrations.RunPython(create_search_configuration, drop_search_configuration),
        migrations.AddField(
            model_name='article',
            name='search_vector',
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        # The index is in the model's state on every database, in the schema only on
        # PostgreSQL (SQLite has no GIN).
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name='article',
                    index=django.contrib.postgres.indexes.GinIndex(fields=['search_vector'], name='article_search_idx'),
                ),
            ],
            database_operations=[
                migrations.RunPython(create_search_index, drop_search_index),
            ],
        ),
        migrations.RunPython(fill_search_vectors, migrations.RunPython.noop),
        migrations.CreateModel(
            name='ArticleReadCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('reads', models.PositiveIntegerField(default=0)),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='read_counts', to='articles.article')),
            ],
            options={
                'verbose_name': 'read count',
                'verbose_name_plural': 'read counts',
                'indexes': [models.Index(fields=['day'], name='readcount_day_idx')],
                'constraints': [models.UniqueConstraint(fields=('article', 'day'), name='readcount_unique_article_day')],
            },
        ),
    ]
