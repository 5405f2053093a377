"""factory-boy factories for the whole suite."""

from datetime import timedelta
from io import BytesIO

import factory
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image as PILImage

from articles.models import AdSlot, Article, Author, Image, Section
from comments.models import Comment


def png_bytes(width=800, height=533, color=(180, 30, 40)):
    buffer = BytesIO()
    PILImage.new("RGB", (width, height), color).save(buffer, "PNG")
    return buffer.getvalue()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    password = factory.django.Password("correct horse battery staple")


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    name = factory.Sequence(lambda n: f"Rubrique {n}")
    slug = factory.Sequence(lambda n: f"rubrique-{n}")
    parent = None


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Faker("name", locale="fr_FR")


class ImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Image

    file = factory.LazyFunction(lambda: ContentFile(png_bytes(), name="photo.png"))
    alt_text = factory.Faker("sentence", nb_words=6, locale="fr_FR")
    caption = factory.Faker("sentence", nb_words=8, locale="fr_FR")
    credit = "Rédaction"


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Un titre d’article numéro {n}")
    standfirst = factory.Faker("paragraph", locale="fr_FR")
    body = factory.LazyFunction(lambda: "<p>Premier paragraphe.</p><p>Second paragraphe.</p>")
    section = factory.SubFactory(SectionFactory)
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    updated_at = factory.LazyAttribute(lambda article: article.published_at or timezone.now())

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.add(*extracted)

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        if create and extracted:
            self.authors.add(*extracted)


class AdSlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdSlot

    name = factory.Sequence(lambda n: f"Annonce {n}")
    placement = AdSlot.Placement.ARTICLE
    text = "Votre marque ici"
    link_url = "https://annonceur.example.test/"


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    article = factory.SubFactory(ArticleFactory)
    name = factory.Faker("first_name", locale="fr_FR")
    body = factory.Sequence(lambda n: f"Commentaire numéro {n} : merci pour cet article.")
    status = Comment.Status.APPROVED
    score = 0.9
    provider = "builtin"
    reasons = factory.LazyFunction(lambda: [{"code": "pow_solved"}])
    ip_address = "203.0.113.7"
