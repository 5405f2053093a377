"""Article versions stored before 0010 name the section `category`: rename the key in
their stored data, so that restoring or recovering such a version keeps its section.

django-reversion keeps each version's fields as JSON (`Version.serialized_data`) and
drops keys the model no longer has, so without this an old version would come back
with no section (a database error on restore, "missing dependency" on recover).
"""

import json

from django.db import migrations


def rename_in_versions(apps, schema_editor, old="category", new="section"):
    Version = apps.get_model("reversion", "Version")
    ContentType = apps.get_model("contenttypes", "ContentType")
    article_type = ContentType.objects.filter(app_label="articles", model="article").first()
    if article_type is None:
        return
    versions = Version.objects.filter(content_type=article_type, format="json")
    for version in versions.iterator(chunk_size=500):
        data = json.loads(version.serialized_data)
        changed = False
        for row in data:
            fields = row.get("fields", {})
            if old in fields and new not in fields:
                fields[new] = fields.pop(old)
                changed = True
        if changed:
            Version.objects.filter(pk=version.pk).update(serialized_data=json.dumps(data))


def rename_back(apps, schema_editor):
    rename_in_versions(apps, schema_editor, old="section", new="category")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_section_full_name"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
    ]

    operations = [migrations.RunPython(rename_in_versions, rename_back)]
