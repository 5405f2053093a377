"""A small public site to attack: sections, articles with tags and authors, comments."""

from tests.factories import (
    AdSlotFactory,
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    ImageFactory,
    SectionFactory,
)


def build_site():
    news = SectionFactory(name="News - Infos", slug="news-infos", position=1)
    diplomatie = SectionFactory(name="Diplomatie", slug="diplomatie", parent=news)
    afrique = SectionFactory(name="Afrique", slug="afrique", position=2)
    benin = SectionFactory(name="Bénin", slug="benin", parent=afrique)
    author = AuthorFactory(name="Awa Diallo")
    image = ImageFactory(alt_text="Une salle de conférence", credit="Rédaction")
    articles = []
    for number in range(12):
        articles.append(
            ArticleFactory(
                title=f"Le sommet de Cotonou, épisode {number}",
                section=diplomatie if number % 2 else benin,
                hero_image=image if number == 0 else None,
                tags=["diplomatie", "CEDEAO"] if number % 3 else ["économie"],
                authors=[author],
                is_breaking=number == 0,
            )
        )
    ArticleFactory(title="Brouillon secret", status="draft", section=benin)
    for article in articles[:3]:
        CommentFactory.create_batch(3, article=article)
    AdSlotFactory()
    return {"sections": [news, diplomatie, afrique, benin], "articles": articles, "author": author}
