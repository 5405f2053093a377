# Corrections get a type; the rows already there were all corrections, which the
# default gives them (schema.org CorrectionComment, as before).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0017_send_back_reason"),
    ]

    operations = [
        migrations.AddField(
            model_name="correction",
            name="kind",
            field=models.CharField(
                choices=[
                    ("correction", "Correction"),
                    ("clarification", "Clarification"),
                    ("update", "Update"),
                ],
                db_default="correction",
                default="correction",
                help_text="Correction: something was wrong. Clarification: it could be misread. Update: news added since publication.",
                max_length=16,
                verbose_name="kind",
            ),
        ),
    ]
