from django.db import migrations


def sync_roles(apps, schema_editor):
    # Moderators get the trusted commenters and the stories under pre-moderation.
    from articles.newsroom.roles import sync_roles

    sync_roles(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0007_comment_replies"),
        ("articles", "0021_image_renditions_pending"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
