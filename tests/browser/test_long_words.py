"""Long unbroken words never make a reader page scroll sideways on a phone.

Every field a reader or a journalist fills (title, standfirst, section, tag, byline,
caption, credit, comment name and body, the search query echoed back, breadcrumbs) gets
an 80-character string without a space; each reader page is then measured in Chromium
at 320 and 390 px: `document.documentElement.scrollWidth` must not exceed the window.
"""

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    ImageFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = [320, 390]
LONG_WORDS = {
    "wide letters": "W" * 80,
    "French compound": ("Anticonstitutionnellement" * 4)[:80],
    "address": ("https://www.exemple-journal.bj/actualites/2026/11/30/" + "x" * 80)[:80].replace(
        "-", "_"
    ),
    "digits": "0123456789" * 8,
    "accented capitals": ("ÉÈÊËÀÂÄÔÖÛÜÇŒ" * 7)[:80],
}

# Elements sticking out to the right of the window: what to fix when the test fails.
OVERFLOWING = """() => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
    .slice(0, 8)
    .map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} `
              + `(${Math.round(e.getBoundingClientRect().right)} px)`)"""


def fill_every_field(word):
    """Content where every reader- or journalist-filled field is `word` (or holds it)."""
    root = SectionFactory(name=word[:80], slug="rubrique-longue", position=0)
    section = SectionFactory(name=word[:80], slug="sous-rubrique", parent=root)
    author = AuthorFactory(name=word)
    image = ImageFactory(alt_text=word, caption=f"{word} {word}", credit=word)
    article = ArticleFactory(
        title=word,
        slug="article-long",
        standfirst=f"{word} {word}",
        body=f"<p>{word}</p><p>Un paragraphe {word} au milieu.</p>",
        section=section,
        hero_image=image,
        tags=[word[:100]],
        authors=[author],
        is_breaking=True,
        published_at=timezone.now(),
        status=Article.Status.PUBLISHED,
    )
    ArticleFactory(title=f"{word} bis", section=section, tags=[word[:100]], authors=[author])
    CommentFactory(article=article, name=word[:80], body=f"{word}\n{word} {word}")
    return {
        "home": "/",
        "section": root.get_absolute_url(),
        "subsection": section.get_absolute_url(),
        "article": article.get_absolute_url(),
        "tag": f"/tag/{article.tags.get().slug}/",
        "author": author.get_absolute_url(),
        "search": f"/recherche/?q={word}",
        "English article": f"/en{article.get_absolute_url()}",
    }


@pytest.mark.parametrize("word", LONG_WORDS.values(), ids=list(LONG_WORDS))
def test_no_reader_page_scrolls_sideways(page, word, artifacts):
    pages = fill_every_field(word)
    failures = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        for name, url in pages.items():
            response = page.goto(url)
            assert response.status == 200, url
            assert word[:20] in page.content(), f"{name}: the long word is not on the page"
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            inner_width = page.evaluate("window.innerWidth")
            if name == "article" and width == WIDTHS[0] and word == LONG_WORDS["wide letters"]:
                page.screenshot(path=artifacts / "long-words-320.png", full_page=True)
            if scroll_width > inner_width:
                failures.append(
                    f"{name} at {width} px: {scroll_width} px wide; "
                    f"{', '.join(page.evaluate(OVERFLOWING))}"
                )
    assert not failures, "\n".join(failures)
