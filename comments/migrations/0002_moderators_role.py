from django.db import migrations


def sync_roles(apps, schema_editor):
    # The Moderators group gets the comment permissions now that their table exists.
    from articles.newsroom.roles import sync_roles

    sync_roles(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("articles", "0003_article_comments_premoderated"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
