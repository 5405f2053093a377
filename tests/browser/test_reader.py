"""A reader on a phone: home → section → article, by clicking, in a real Chromium."""

import pytest

from articles.models import AdSlot
from tests.factories import AdSlotFactory, ArticleFactory, ImageFactory, SectionFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def newsroom_site(db):
    news = SectionFactory(name="News - Infos", slug="news-infos", position=1)
    diplomatie = SectionFactory(name="Diplomatie", slug="diplomatie", parent=news)
    afrique = SectionFactory(name="Afrique", slug="afrique", position=2)
    senegal = SectionFactory(name="Sénégal", slug="senegal", parent=afrique)
    article = ArticleFactory(
        title="Dakar accueille les ministres de la CEDEAO",
        section=diplomatie,
        hero_image=ImageFactory(alt_text="Des drapeaux devant un bâtiment officiel"),
        tags=["CEDEAO", "diplomatie"],
    )
    related = ArticleFactory(
        title="Le Sénégal prépare le sommet",
        section=senegal,
        hero_image=ImageFactory(),
        tags=["CEDEAO"],
    )
    AdSlotFactory(placement=AdSlot.Placement.ARTICLE, text="Annonce partenaire")
    return {"news": news, "diplomatie": diplomatie, "article": article, "related": related}


def test_reader_goes_from_home_to_section_to_article(page, newsroom_site, artifacts):
    page.goto("/")
    assert page.locator("h1").count() == 1
    page.get_by_role("navigation", name="Rubriques").first.get_by_role(
        "link", name="News - Infos"
    ).click()
    page.wait_for_url("**/rubrique/news-infos/")
    assert page.locator("h1").inner_text() == "News - Infos"
    page.get_by_role("link", name="Diplomatie", exact=True).first.click()
    page.wait_for_url("**/rubrique/news-infos/diplomatie/")
    page.get_by_role("link", name="Dakar accueille les ministres de la CEDEAO").first.click()
    page.wait_for_url("**/article/dakar-accueille-les-ministres-de-la-cedeao/")

    breadcrumbs = page.get_by_role("navigation", name="Fil d’Ariane")
    assert breadcrumbs.is_visible()
    assert breadcrumbs.locator("li").all_inner_texts() == [
        "Accueil",
        "News - Infos",
        "Diplomatie",
        "Dakar accueille les ministres de la CEDEAO",
    ]
    assert breadcrumbs.locator("[aria-current=page]").inner_text().endswith("CEDEAO")

    hero = page.locator(".article-hero img")
    assert hero.get_attribute("alt") == "Des drapeaux devant un bâtiment officiel"
    assert hero.evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.get_by_text("Publicité", exact=True).is_visible()

    related = page.locator("#related")
    related.scroll_into_view_if_needed()
    assert related.get_by_role("link", name="Le Sénégal prépare le sommet").is_visible()
    assert related.get_by_role("link", name="Sénégal", exact=True).is_visible()
    assert page.locator("#comments").count() == 1

    # No horizontal scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=artifacts / "article-phone.png", full_page=True)
    assert (artifacts / "article-phone.png").stat().st_size > 10_000
    assert page.dialogs == []


def test_related_link_leads_to_the_related_article(page, newsroom_site):
    page.goto(newsroom_site["article"].get_absolute_url())
    page.locator("#related").get_by_role("link", name="Le Sénégal prépare le sommet").click()
    page.wait_for_url("**/article/le-senegal-prepare-le-sommet/")
    assert page.locator("h1").inner_text() == "Le Sénégal prépare le sommet"


def test_unknown_page_is_a_styled_404(page, newsroom_site):
    response = page.goto("/article/cet-article-n-existe-pas/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Page introuvable"
    assert page.get_by_role("link", name="Retour à l’accueil").is_visible()
