"""The database keeps every article's search vector right, whoever writes (PostgreSQL).

Triggers recompute `articles_article.search_vector` on every write path: an ORM save,
`bulk_create`, `update()`, `loaddata`, a restored revision, SQL typed in `dbshell` or
run by a management command, and any change to an article's tags (taggit's
`taggit_taggeditem` rows, a renamed `taggit_tag`).

A generated column cannot do it: the document includes the article's tag names, which
live in other tables, and a generated column may only read its own row.

The document is the one articles.discovery.search.search_document() describes (title A,
standfirst B, body C, tag names D, `french_unaccent` configuration), frozen here as SQL.
On SQLite nothing happens: its search reads the text, not the vector.
"""

from django.db import migrations

INSTALL = """
CREATE OR REPLACE FUNCTION articles_search_document(
    article_id bigint, title text, standfirst text, body text
) RETURNS tsvector LANGUAGE sql STABLE AS $$
    SELECT setweight(to_tsvector('french_unaccent', coalesce(title, '')), 'A')
        || setweight(to_tsvector('french_unaccent', coalesce(standfirst, '')), 'B')
        || setweight(to_tsvector('french_unaccent', coalesce(body, '')), 'C')
        || setweight(to_tsvector('french_unaccent', coalesce((
            SELECT string_agg(t.name, ' ' ORDER BY t.name)
            FROM taggit_taggeditem ti
            JOIN taggit_tag t ON t.id = ti.tag_id
            JOIN django_content_type ct ON ct.id = ti.content_type_id
            WHERE ct.app_label = 'articles' AND ct.model = 'article'
              AND ti.object_id = article_id
        ), '')), 'D')
$$;

-- An article row: recomputed on insert, and on update when the text changed or the
-- vector was written (set to NULL by the tag triggers below, or to anything else).
CREATE OR REPLACE FUNCTION articles_article_search_vector() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND NEW.search_vector IS NOT NULL
        AND NEW.search_vector IS NOT DISTINCT FROM OLD.search_vector
        AND NEW.title IS NOT DISTINCT FROM OLD.title
        AND NEW.standfirst IS NOT DISTINCT FROM OLD.standfirst
        AND NEW.body IS NOT DISTINCT FROM OLD.body
    THEN
        RETURN NEW;
    END IF;
    NEW.search_vector := articles_search_document(NEW.id, NEW.title, NEW.standfirst, NEW.body);
    RETURN NEW;
END
$$;

DROP TRIGGER IF EXISTS articles_article_search_vector ON articles_article;
CREATE TRIGGER articles_article_search_vector
    BEFORE INSERT OR UPDATE ON articles_article
    FOR EACH ROW EXECUTE FUNCTION articles_article_search_vector();

-- Tags added or removed (one statement may touch many articles: bulk_create, clear()).
CREATE OR REPLACE FUNCTION articles_tagged_items_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE articles_article SET search_vector = NULL
        WHERE id IN (
            SELECT r.object_id FROM changed_new r
            JOIN django_content_type ct ON ct.id = r.content_type_id
            WHERE ct.app_label = 'articles' AND ct.model = 'article'
        );
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE articles_article SET search_vector = NULL
        WHERE id IN (
            SELECT r.object_id FROM changed_old r
            JOIN django_content_type ct ON ct.id = r.content_type_id
            WHERE ct.app_label = 'articles' AND ct.model = 'article'
        );
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS articles_tagged_items_inserted ON taggit_taggeditem;
CREATE TRIGGER articles_tagged_items_inserted
    AFTER INSERT ON taggit_taggeditem REFERENCING NEW TABLE AS changed_new
    FOR EACH STATEMENT EXECUTE FUNCTION articles_tagged_items_changed();
DROP TRIGGER IF EXISTS articles_tagged_items_updated ON taggit_taggeditem;
CREATE TRIGGER articles_tagged_items_updated
    AFTER UPDATE ON taggit_taggeditem
    REFERENCING NEW TABLE AS changed_new OLD TABLE AS changed_old
    FOR EACH STATEMENT EXECUTE FUNCTION articles_tagged_items_changed();
DROP TRIGGER IF EXISTS articles_tagged_items_deleted ON taggit_taggeditem;
CREATE TRIGGER articles_tagged_items_deleted
    AFTER DELETE ON taggit_taggeditem REFERENCING OLD TABLE AS changed_old
    FOR EACH STATEMENT EXECUTE FUNCTION articles_tagged_items_changed();

-- A renamed tag: the articles that carry it.
CREATE OR REPLACE FUNCTION articles_tag_renamed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE articles_article SET search_vector = NULL
    WHERE id IN (
        SELECT ti.object_id FROM taggit_taggeditem ti
        JOIN django_content_type ct ON ct.id = ti.content_type_id
        WHERE ct.app_label = 'articles' AND ct.model = 'article' AND ti.tag_id = NEW.id
    );
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS articles_tag_renamed ON taggit_tag;
CREATE TRIGGER articles_tag_renamed
    AFTER UPDATE OF name ON taggit_tag
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION articles_tag_renamed();

-- The vectors already stored (a demo seeded with bulk_create had none).
UPDATE articles_article SET search_vector = NULL;
"""

UNINSTALL = """
DROP TRIGGER IF EXISTS articles_tag_renamed ON taggit_tag;
DROP TRIGGER IF EXISTS articles_tagged_items_inserted ON taggit_taggeditem;
DROP TRIGGER IF EXISTS articles_tagged_items_updated ON taggit_taggeditem;
DROP TRIGGER IF EXISTS articles_tagged_items_deleted ON taggit_taggeditem;
DROP TRIGGER IF EXISTS articles_article_search_vector ON articles_article;
DROP FUNCTION IF EXISTS articles_tag_renamed();
DROP FUNCTION IF EXISTS articles_tagged_items_changed();
DROP FUNCTION IF EXISTS articles_article_search_vector();
DROP FUNCTION IF EXISTS articles_search_document(bigint, text, text, text);
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INSTALL)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNINSTALL)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_slugs_not_empty"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
