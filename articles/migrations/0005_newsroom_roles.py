from django.db import migrations


def sync_roles(apps, schema_editor):
    from articles.newsroom.roles import sync_roles

    sync_roles(apps, schema_editor)


class Migration(migrations.Migration):
    """Give the roles the newsroom's permissions (publish, edit any, corrections)."""

    dependencies = [
        ("articles", "0004_newsroom"),
        # The last role sync: it sees every model and permission, comments included.
        ("comments", "0002_moderators_role"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
