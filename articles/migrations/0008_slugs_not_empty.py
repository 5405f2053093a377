from django.db import migrations, models


class Migration(migrations.Migration):
    """A link needs a slug: the database refuses an empty one (0007 repaired them)."""

    dependencies = [
        ("articles", "0007_input_and_slug_policy"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='article',
            constraint=models.CheckConstraint(condition=models.Q(('slug', ''), _negated=True), name='article_slug_not_empty'),
        ),
        migrations.AddConstraint(
            model_name='author',
            constraint=models.CheckConstraint(condition=models.Q(('slug', ''), _negated=True), name='author_slug_not_empty'),
        ),
        migrations.AddConstraint(
            model_name='category',
            constraint=models.CheckConstraint(condition=models.Q(('slug', ''), _negated=True), name='category_slug_not_empty'),
        ),
    ]
