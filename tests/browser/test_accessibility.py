"""axe-core in Chromium on the reader's pages: no violation on home, section, article,
the comment form (with an error shown) and search."""

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import ArticleFactory, CommentFactory, ImageFactory
from tests.security.sitedata import build_site

pytestmark = pytest.mark.django_db(transaction=True)

AXE = (Path(__file__).parent / "vendor/axe-core/axe.min.js").read_text()
# WCAG 2.1 A and AA, plus axe's best practices (landmarks, one h1, skip link…).
RUN_AXE = """async () => {
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
  });
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
  }));
}"""


def axe_violations(page, path):
    page.goto(path)
    # Evaluated through the DevTools protocol: the page's CSP stays on and is not bypassed.
    page.evaluate(AXE)
    return page.evaluate(RUN_AXE)


@pytest.fixture
def site():
    data = build_site()
    lead = data["articles"][0]
    lead.hero_image = ImageFactory(alt_text="Des délégués autour d'une table")
    lead.save()
    first, _ = CommentFactory.create_batch(2, article=lead)
    # A thread: a reader's reply and the newsroom's, with its mark.
    CommentFactory(article=lead, parent=first, reply_to=first, name="Awa")
    CommentFactory(article=lead, parent=first, reply_to=first, name="La rédaction", newsroom=True)
    data["thread"] = first
    return data


@pytest.mark.parametrize("language", ["fr", "en"])
def test_reader_pages_have_no_axe_violation(page, site, language):
    article = site["articles"][0]
    with translation.override(language):
        paths = {
            "home": "/" if language == "fr" else "/en/",
            "section": site["sections"][0].get_absolute_url(),
            "subsection": site["sections"][1].get_absolute_url(),
            "article with comments and the form": article.get_absolute_url(),
            "tag": f"{'/en' if language == 'en' else ''}/tag/cedeao/",
            "404": "/nulle-part/",
            "search results": f"{'/en' if language == 'en' else ''}/recherche/?q=sommet",
            "search, nothing found": f"{'/en' if language == 'en' else ''}/recherche/?q=zzz",
        }
    found = {name: axe_violations(page, path) for name, path in paths.items()}
    assert {name: v for name, v in found.items() if v} == {}


def test_comment_form_with_errors_has_no_axe_violation(page, site):
    article = ArticleFactory(title="Un article à commenter")
    page.goto(article.get_absolute_url())
    # Sent empty past the browser's own check (form.submit() fires no submit event),
    # so that the server's errors are on the page.
    page.evaluate("document.querySelector('form.comment-form').submit()")
    page.locator(".invalid-feedback, .alert-danger").first.wait_for()
    page.evaluate(AXE)
    assert page.evaluate(RUN_AXE) == []


def test_the_confirmation_step_has_no_axe_violation(page, site):
    article = ArticleFactory(title="Un article à commenter sans JavaScript")
    page.goto(article.get_absolute_url())
    # As a browser without JavaScript sends it: no token, no stamp (the fields are set
    # without touching the form, and submit() skips the page's script).
    page.evaluate(
        """() => {
          document.getElementById("id_name").value = "Lecteur";
          document.getElementById("id_comment").value = "Mon avis, envoyé sans script.";
          document.querySelector("form.comment-form").submit();
        }"""
    )
    page.get_by_role("heading", name="Confirmez votre commentaire").wait_for()
    page.evaluate(AXE)
    assert page.evaluate(RUN_AXE) == []


def test_the_reply_page_has_no_axe_violation(page, site):
    article, thread = site["articles"][0], site["thread"]
    path = reverse("comments:reply", args=[article.slug, thread.pk])
    assert axe_violations(page, path) == []
