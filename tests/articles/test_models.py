from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.db import IntegrityError
from django.utils import timezone

from articles.content.slugs import french_slugify
from articles.models import AdSlot, Article, ArticleSlugRedirect, Section
from tests.factories import AdSlotFactory, ArticleFactory, ImageFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Élection présidentielle au Bénin", "election-presidentielle-au-benin"),
        (
            "Le cœur de Niamey bat à l’heure de la CEDEAO",
            "le-coeur-de-niamey-bat-a-l-heure-de-la-cedeao",
        ),
        ("Ça y est : l’économie repart !", "ca-y-est-l-economie-repart"),
        ("Œuvres d’art « restituées »", "oeuvres-d-art-restituees"),
        ("!!!", "article-3894b0d5"),  # no letter: a stable digest of the title
    ],
)
def test_slug_transliterates_french(title, slug):
    assert french_slugify(title) == slug


def test_slug_is_made_from_title_and_unique():
    first = ArticleFactory(title="Sommet de la CEDEAO à Abuja")
    second = ArticleFactory(title="Sommet de la CEDEAO à Abuja")
    assert first.slug == "sommet-de-la-cedeao-a-abuja"
    assert second.slug == "sommet-de-la-cedeao-a-abuja-2"


def test_renaming_a_slug_keeps_the_old_one_as_redirect():
    article = ArticleFactory(title="Titre provisoire")
    article.slug = "titre-definitif"
    article.save()
    assert ArticleSlugRedirect.objects.get(old_slug="titre-provisoire").article == article
    # A new article cannot take the old address of another one.
    other = ArticleFactory(title="Titre provisoire")
    assert other.slug == "titre-provisoire-2"


def test_renaming_back_removes_the_redirect_loop():
    article = ArticleFactory(title="Aller")
    article.slug = "retour"
    article.save()
    article.slug = "aller"
    article.save()
    assert list(ArticleSlugRedirect.objects.values_list("old_slug", flat=True)) == ["retour"]


def test_body_is_sanitized_on_save():
    article = ArticleFactory(
        body='<p onclick="steal()">Texte <script>alert(1)</script>'
        '<a href="javascript:alert(1)">lien</a><iframe src="https://x"></iframe></p>'
    )
    article.refresh_from_db()
    assert "script" not in article.body
    assert "onclick" not in article.body
    assert "javascript:" not in article.body
    assert "iframe" not in article.body
    assert "Texte" in article.body


def test_published_hides_drafts_reviews_and_scheduled():
    visible = ArticleFactory()
    ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    ArticleFactory(status=Article.Status.IN_REVIEW, published_at=None)
    ArticleFactory(published_at=timezone.now() + timedelta(hours=2))
    assert list(Article.objects.published()) == [visible]


def test_scheduled_article_appears_by_itself_at_its_time():
    go_live = timezone.now() + timedelta(hours=3)
    article = ArticleFactory(published_at=go_live)
    with time_machine.travel(go_live - timedelta(seconds=1)):
        assert article not in Article.objects.published()
        assert article.is_scheduled
    with time_machine.travel(go_live + timedelta(seconds=1)):
        assert article in Article.objects.published()
        assert not article.is_scheduled


def test_publishing_without_a_date_stamps_now():
    article = ArticleFactory(status=Article.Status.PUBLISHED, published_at=None)
    assert article.published_at is not None
    assert article in Article.objects.published()


def test_database_refuses_published_without_date():
    article = ArticleFactory(status=Article.Status.DRAFT, published_at=None)
    with pytest.raises(IntegrityError):
        Article.objects.filter(pk=article.pk).update(status=Article.Status.PUBLISHED)


def test_section_path_ancestors_and_subtree():
    news = SectionFactory(name="News - Infos", slug="news-infos")
    diplomatie = SectionFactory(name="Diplomatie", slug="diplomatie", parent=news)
    afrique = SectionFactory(name="Afrique de l’Ouest", slug="afrique-ouest", parent=diplomatie)
    SectionFactory(name="Sport", slug="sport")
    assert afrique.path == "news-infos/diplomatie/afrique-ouest"
    assert afrique.depth == 2
    assert afrique.ancestors() == [news, diplomatie]
    assert set(Section.objects.subtree(news)) == {news, diplomatie, afrique}
    assert str(diplomatie) == "News - Infos › Diplomatie"


def test_moving_a_section_moves_its_subtree():
    news = SectionFactory(slug="news")
    diplomatie = SectionFactory(slug="diplomatie", parent=news)
    child = SectionFactory(slug="onu", parent=diplomatie)
    monde = SectionFactory(slug="monde")
    diplomatie.parent = monde
    diplomatie.save()
    child.refresh_from_db()
    assert child.path == "monde/diplomatie/onu"
    assert child.get_absolute_url() == "/rubrique/monde/diplomatie/onu/"


def test_same_slug_allowed_under_different_parents_not_twice_at_root():
    SectionFactory(slug="politique", parent=SectionFactory(slug="benin"))
    SectionFactory(slug="politique", parent=SectionFactory(slug="niger"))
    SectionFactory(slug="sport")
    with pytest.raises(IntegrityError):
        SectionFactory(slug="sport")


def test_image_renditions_are_made_once_on_save(media_root):
    image = ImageFactory()
    widths = [r["width"] for r in image.renditions]
    assert widths == [360, 720, 800]
    for rendition in image.renditions:
        for fmt in ("webp", "jpeg"):
            path = Path(media_root) / rendition[f"url_{fmt}"].removeprefix("/media/")
            assert path.exists(), path
    first = image.renditions
    image.caption = "Nouvelle légende"
    image.save()
    assert image.renditions == first
    assert "360w" in image.srcset_webp
    assert image.srcset_jpeg.count(".jpg") == 3


def test_ad_slot_live_window():
    now = timezone.now()
    live = AdSlotFactory(starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=1))
    AdSlotFactory(starts_at=now + timedelta(days=1))
    AdSlotFactory(ends_at=now - timedelta(minutes=1))
    AdSlotFactory(is_active=False)
    AdSlotFactory(placement=AdSlot.Placement.HOME)
    assert list(AdSlot.objects.live(AdSlot.Placement.ARTICLE)) == [live]
