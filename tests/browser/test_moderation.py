"""The moderation queue at 1280 px with the sidebar open: nothing to decide on is cut off."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from articles.newsroom import roles
from comments.models import Comment
from tests.factories import ArticleFactory, CommentFactory, UserFactory

from .csp import violations, watch

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery staple"
DESKTOP = {"width": 1280, "height": 900}
LONG_TITLE = "Le conseil des ministres adopte le budget rectificatif de l’exercice en cours"

# The right edge of every cell of the first row, of its column header, and what the
# table's container shows (an overflowing table scrolls sideways inside it).
MEASURE = """(columns) => {
  const results = document.querySelector('#changelist .results');
  const row = document.querySelector('#result_list tbody tr');
  const edges = {};
  for (const name of columns) {
    const cells = [...document.querySelectorAll(
      `#result_list thead th.column-${name}, #result_list tbody tr:first-child .field-${name}`)];
    const rights = cells.map((cell) => cell.getBoundingClientRect().right);
    edges[name] = rights.length ? Math.max(...rights) : null;
  }
  const sidebar = document.querySelector('#nav-sidebar');
  return {
    edges,
    shown: results.getBoundingClientRect().right,
    overflow: results.scrollWidth - results.clientWidth,
    viewport: window.innerWidth,
    sidebar: sidebar ? sidebar.getBoundingClientRect().width : 0,
    checkbox: row.querySelector('.action-checkbox').getBoundingClientRect().right,
  };
}"""


@pytest.fixture
def staff(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    roles.sync_roles(apps)  # a transactional test flushes what the migrations made
    moderator = UserFactory(username="moderatrice", is_staff=True, password=PASSWORD)
    moderator.groups.add(Group.objects.get(name=roles.MODERATORS))
    editor = UserFactory(username="chef", is_staff=True, password=PASSWORD)
    editor.groups.add(Group.objects.get(name=roles.EDITORS))
    return moderator, editor


@pytest.fixture
def desk(chromium, live_server):
    context = chromium.new_context(viewport=DESKTOP, base_url=live_server.url, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    watch(page)
    yield page
    context.close()


def log_in(page, username):
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def queue_with_long_rows():
    for number in range(3):
        article = ArticleFactory(title=f"{LONG_TITLE} ({number})")
        CommentFactory(
            article=article,
            status="pending",
            name="Marie-Christine Houngbédji-Adjovi",
            body="Je ne suis pas d’accord avec cette analyse du budget, " * 6,
            score=0.45,
            reasons=[
                {"code": "question_answered"},
                {"code": "links", "count": 3},
                {"code": "recent_posts", "count": 4},
                {"code": "form_too_old", "hours": 30},
            ],
        )


def assert_nothing_past_the_right_edge(measure, columns):
    assert measure["sidebar"] > 200, "the navigation sidebar is open"
    assert measure["overflow"] <= 1, measure
    for name in columns:
        right = measure["edges"][name]
        assert right is not None, name
        assert right <= measure["shown"] + 1, (name, measure)
        assert right <= measure["viewport"], (name, measure)
    assert measure["checkbox"] <= measure["shown"]


def test_queue_shows_what_a_moderator_decides_on_at_1280_px(desk, staff, artifacts):
    queue_with_long_rows()
    log_in(desk, "moderatrice")

    desk.goto("/admin/comments/comment/")

    measure = desk.evaluate(
        MEASURE, ["comment_cell", "status", "score", "reasons_list", "created_at"]
    )
    assert_nothing_past_the_right_edge(
        measure, ["comment_cell", "status", "score", "reasons_list", "created_at"]
    )
    first_row = desk.locator("#result_list tbody tr").first
    assert "question résolue sans JavaScript" in first_row.inner_text()
    assert "3 liens" in first_row.inner_text()
    run = desk.locator("button[name=index]")
    assert run.bounding_box()["x"] + run.bounding_box()["width"] <= DESKTOP["width"]
    desk.screenshot(path=artifacts / "moderation-queue-1280.png")
    assert violations(desk) == []


def test_article_list_shows_the_publication_date_at_1280_px(desk, staff):
    for number in range(3):
        ArticleFactory(title=f"{LONG_TITLE} ({number})")
    log_in(desk, "chef")

    desk.goto("/admin/articles/article/")

    columns = ["title", "status_label", "published_at", "updated_at"]
    assert_nothing_past_the_right_edge(desk.evaluate(MEASURE, columns), columns)


def test_bulk_decision_is_undone_from_its_message(desk, staff):
    queue_with_long_rows()
    log_in(desk, "moderatrice")
    desk.goto("/admin/comments/comment/")

    desk.locator("#action-toggle").check()
    desk.locator("select[name=action]").select_option("approve")
    desk.locator("button[name=index]").click()

    message = desk.locator(".messagelist .success")
    assert "3 commentaires publiés." in message.inner_text()
    undo = message.get_by_role("button", name="Annuler")
    box = undo.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= DESKTOP["height"]
    assert box["x"] + box["width"] <= DESKTOP["width"]
    assert Comment.objects.filter(status="approved").count() == 3

    undo.click()

    assert "3 décisions annulées." in desk.locator(".messagelist .success").inner_text()
    assert Comment.objects.filter(status="pending").count() == 3
    assert violations(desk) == []
