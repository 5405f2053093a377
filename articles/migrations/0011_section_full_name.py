"""A section's full name (« News - Infos › Diplomatie ») is stored beside its path.

`str(section)` walked the ancestors with a query for every section printed: the
admin's sections list cost one query per row, the articles list one per subsection
shown in its column and its filter. Section.save() now keeps the column, as it keeps
the path; this fills it for the sections already there, root first.
"""

from django.db import migrations, models

SEPARATOR = " › "  # Section.SEPARATOR


def fill_full_names(apps, schema_editor):
    Section = apps.get_model("articles", "Section")
    full_names = {}
    sections = list(Section.objects.order_by("depth", "pk"))
    for section in sections:
        parent = full_names.get(section.parent_id)
        section.full_name = SEPARATOR.join([parent, section.name]) if parent else section.name
        full_names[section.pk] = section.full_name
    Section.objects.bulk_update(sections, ["full_name"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_section"),
    ]

    operations = [
        migrations.AddField(
            model_name="section",
            name="full_name",
            field=models.TextField(default="", editable=False, verbose_name="full name"),
        ),
        migrations.RunPython(fill_full_names, migrations.RunPython.noop),
    ]
