import pytest

from articles.models import AdSlot
from tests.factories import (
    AdSlotFactory,
    ArticleFactory,
    AuthorFactory,
    ImageFactory,
    SectionFactory,
)


@pytest.fixture
def site(db):
    """A small site: News - Infos › Diplomatie, Afrique › Bénin, a few articles, ads."""
    news = SectionFactory(name="News - Infos", slug="news-infos", position=1)
    diplomatie = SectionFactory(name="Diplomatie", slug="diplomatie", parent=news)
    afrique = SectionFactory(name="Afrique", slug="afrique", position=2)
    benin = SectionFactory(name="Bénin", slug="benin", parent=afrique)
    image = ImageFactory(alt_text="Une salle de conférence", credit="Rédaction")
    author = AuthorFactory(name="Awa Diallo")
    article = ArticleFactory(
        title="Le sommet de Cotonou s’ouvre sur un accord",
        section=diplomatie,
        hero_image=image,
        tags=["diplomatie", "CEDEAO"],
        authors=[author],
    )
    neighbour = ArticleFactory(title="Le Bénin signe avec le Niger", section=benin, tags=["CEDEAO"])
    AdSlotFactory(placement=AdSlot.Placement.ARTICLE, text="Annonce dans l’article")
    AdSlotFactory(placement=AdSlot.Placement.HOME, text="Annonce en accueil")
    return {
        "news": news,
        "diplomatie": diplomatie,
        "afrique": afrique,
        "benin": benin,
        "article": article,
        "neighbour": neighbour,
        "author": author,
        "image": image,
    }
