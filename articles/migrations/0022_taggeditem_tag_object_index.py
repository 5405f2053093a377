"""An index on taggit's tagged items by (tag, content type, object id), for related
articles (articles/discovery/related.py): a tag's newest articles, read backwards from
the index and stopping after a few, and how many articles carry a tag, counted in the
index alone up to a cap. taggit's own index is on the tag alone, in no useful order,
and the content type is only in the table: finding a tag's newest articles read every
one of them or walked the whole article table by date, and counting read the table."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0021_image_renditions_pending"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX taggeditem_tag_object_idx ON taggit_taggeditem (tag_id, content_type_id, object_id)",
            "DROP INDEX taggeditem_tag_object_idx",
        )
    ]
