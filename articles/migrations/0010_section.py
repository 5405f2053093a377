"""One word for one thing: the model Category becomes Section, as the pages, menus, feeds
and docs say, and the article's `category` field becomes `section`.

Tables, columns, constraints and the index follow; the content type is renamed by
Django (so generic relations and admin history keep pointing at it), and the model's
permissions keep their rows and groups, with codenames and names renamed here.
"""

from django.db import migrations, models
from django.db.models import Q


def rename_permissions(apps, schema_editor, old="category", new="section"):
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type = ContentType.objects.filter(app_label="articles", model__in=[old, new]).first()
    if content_type is None:  # a fresh database: the permissions are made after migrate
        return
    for action in ("add", "change", "delete", "view"):
        Permission.objects.filter(content_type=content_type, codename=f"{action}_{old}").update(
            codename=f"{action}_{new}", name=f"Can {action} {new}"
        )


def sync_roles(apps, schema_editor):
    """The roles' grants name the model `section` now: give them again (roles.py)."""
    from articles.newsroom.roles import sync_roles

    sync_roles(apps, schema_editor)


def rename_permissions_back(apps, schema_editor):
    rename_permissions(apps, schema_editor, old="section", new="category")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0009_search_vector_trigger"),
        # After the last role sync, which saw the model as Category.
        ("comments", "0004_reason_codes"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="category", name="category_unique_slug_in_parent"),
        migrations.RemoveConstraint(model_name="category", name="category_unique_root_slug"),
        migrations.RemoveConstraint(model_name="category", name="category_slug_not_empty"),
        # Built again under its new name after the rename (a few seconds for a million
        # articles), since SQLite rebuilds the table when a foreign key column is renamed.
        migrations.RemoveIndex(model_name="article", name="article_cat_pub_idx"),
        migrations.RenameModel(old_name="Category", new_name="Section"),
        migrations.RenameField(model_name="article", old_name="category", new_name="section"),
        migrations.RenameField(
            model_name="sectionredirect", old_name="category", new_name="section"
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["section", "status", "-published_at"], name="article_section_pub_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="section",
            constraint=models.UniqueConstraint(
                fields=("parent", "slug"), name="section_unique_slug_in_parent"
            ),
        ),
        migrations.AddConstraint(
            model_name="section",
            constraint=models.UniqueConstraint(
                condition=Q(parent__isnull=True),
                fields=("slug",),
                name="section_unique_root_slug",
            ),
        ),
        migrations.AddConstraint(
            model_name="section",
            constraint=models.CheckConstraint(condition=~Q(slug=""), name="section_slug_not_empty"),
        ),
        migrations.RunPython(rename_permissions, rename_permissions_back, elidable=False),
        migrations.RunPython(sync_roles, migrations.RunPython.noop, elidable=False),
    ]
