"""In a real browser: searching from the header, and the article page's JSON-LD under CSP."""

import pytest

from tests.factories import ArticleFactory, ImageFactory, SectionFactory

from .csp import violations, watch

pytestmark = pytest.mark.django_db(transaction=True)


def test_reader_searches_from_the_header_and_opens_a_result(page, artifacts):
    section = SectionFactory(name="Bénin", slug="benin")
    article = ArticleFactory(
        title="Les élections municipales à Parakou",
        section=section,
        hero_image=ImageFactory(),
    )
    ArticleFactory(title="Le marché de Dantokpa", section=section)
    watch(page)
    page.goto("/")
    page.get_by_role("search").get_by_role("searchbox").fill("election parakou")
    page.get_by_role("search").get_by_role("button").click()
    page.wait_for_url("**/recherche/?q=election+parakou")
    result = page.locator(".search-result-title a")
    assert result.count() == 1
    assert page.locator(".search-result-title mark").first.inner_text() == "élections"
    page.screenshot(path=artifacts / "search-phone.png", full_page=True)
    result.click()
    page.wait_for_url(f"**{article.get_absolute_url()}")
    data = page.locator('script[type="application/ld+json"]').first.text_content()
    assert article.title in data
    assert (
        page.evaluate(
            "() => JSON.parse(document.querySelector("
            "'script[type=\"application/ld+json\"]').textContent).headline"
        )
        == article.title
    )
    assert violations(page) == []
