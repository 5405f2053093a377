import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import models
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from articles import demo
from articles.models import AdSlot, Article, Author, Image, Section
from articles.newsroom import roles

pytestmark = pytest.mark.django_db

ARTICLES = 30
PASSWORD_VARIABLES = ["DEMO_PASSWORD"] + [
    f"DEMO_{username.upper()}_PASSWORD" for username, *_ in demo.DEMO_USERS
]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Four accounts per run at 1.5 million PBKDF2 iterations each would cost seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def small_images(settings, monkeypatch):
    # Full-size photos and four WebP widths cost close to a second per image.
    settings.RENDITION_WIDTHS = [360]
    monkeypatch.setattr(demo, "PHOTO_SIZE", (480, 320))
    monkeypatch.setattr("articles.demo.load.PHOTO_SIZE", (480, 320))


@pytest.fixture(autouse=True)
def no_demo_passwords(monkeypatch):
    """Start every test without passwords in the environment, whatever the shell has."""
    for name in PASSWORD_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def seed(*options):
    out = io.StringIO()
    call_command("seed_demo", "--articles", str(ARTICLES), *options, stdout=out)
    return out.getvalue()


def counts():
    User = get_user_model()
    return {
        model.__name__: model.objects.count()
        for model in (Article, Section, Author, Image, AdSlot, Tag, TaggedItem, User)
    } | {
        "authors": Article.authors.through.objects.count(),
        "related": Article.related_articles.through.objects.count(),
    }


def test_seed_builds_the_reference_section_tree():
    seed("--no-images")

    assert set(Section.objects.values_list("path", flat=True)) == {
        "news-infos", "news-infos/diplomatie", "news-infos/politique",
        "news-infos/economie", "news-infos/societe",
        "afrique", "afrique/benin", "afrique/niger", "afrique/senegal", "afrique/algerie",
        "afrique/centrafrique", "afrique/togo", "afrique/cote-divoire",
        "monde", "sport", "sport/football", "sport/basket", "culture", "opinions",
    }  # fmt: skip
    menu = [c.slug for c in Section.objects.roots().order_by("position")]
    assert menu == ["news-infos", "afrique", "monde", "sport", "culture", "opinions"]
    assert Section.objects.get(path="afrique/cote-divoire").name == "Côte d’Ivoire"


def test_seed_publishes_the_requested_articles_in_every_section():
    seed("--no-images")

    published = Article.objects.published()
    assert published.count() == ARTICLES
    used = set(published.values_list("section__path", flat=True))
    assert used == set(Section.objects.values_list("path", flat=True))
    article = published.exclude(body="").first()
    assert "<h2>" in article.body
    assert 4 <= article.body.count("<p>") - 2 * article.body.count("<blockquote>") <= 8
    assert article.standfirst
    assert 3 <= article.tags.count() <= 5
    assert 1 <= article.authors.count() <= 2


def test_seed_default_publishes_at_least_three_hundred_articles():
    # The plan is pure: the default size is checked without writing 300 rows.
    plan = demo.build_plan(images=0)
    published = [
        a for a in plan.articles if a.status == Article.Status.PUBLISHED and a.age > timedelta(0)
    ]
    assert len(published) >= 300
    assert len({a.slug for a in plan.articles}) == len(plan.articles)


def test_one_scheduled_article_stays_hidden_until_its_time():
    seed("--no-images")

    scheduled = Article.objects.filter(
        status=Article.Status.PUBLISHED, published_at__gt=timezone.now()
    )
    assert scheduled.count() == 1
    assert not Article.objects.published().filter(pk=scheduled.get().pk).exists()
    assert Article.objects.exclude(status=Article.Status.PUBLISHED).count() == 4


def test_some_breaking_news_fall_in_the_last_two_days():
    seed("--no-images")

    recent = Article.objects.published().filter(
        is_breaking=True, published_at__gte=timezone.now() - timezone.timedelta(days=2)
    )
    assert recent.count() >= 2


def test_second_run_creates_nothing():
    seed("--images", "1")  # with images: a second run must not draw them again either
    before = counts()

    output = seed("--images", "1")

    assert counts() == before
    assert f"already loaded: {ARTICLES + 5} articles" in output


def test_rerun_with_another_article_count_adds_no_second_demo():
    seed("--no-images")
    before = counts()

    out = io.StringIO()
    call_command("seed_demo", "--articles", "12", "--no-images", stdout=out)

    assert counts() == before
    assert "already loaded" in out.getvalue()


def test_same_seed_gives_the_same_content_in_a_fresh_run():
    seed("--no-images", "--seed", "7")
    first = list(Article.objects.order_by("slug").values_list("title", "slug", "section__path"))
    Article.objects.all().delete()

    seed("--no-images", "--seed", "7")

    again = list(Article.objects.order_by("slug").values_list("title", "slug", "section__path"))
    assert again == first
    other_seed = {a.title for a in demo.build_plan(seed=8, articles=ARTICLES, images=0).articles}
    assert other_seed != {title for title, *_ in first}


def test_one_staff_user_per_role_plus_an_admin():
    seed("--no-images")

    User = get_user_model()
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    for username, group in [
        ("journaliste", roles.JOURNALISTS),
        ("editeur", roles.EDITORS),
        ("moderateur", roles.MODERATORS),
    ]:
        user = User.objects.get(username=username)
        assert user.is_staff and not user.is_superuser
        assert list(user.groups.values_list("name", flat=True)) == [group]
    assert Author.objects.get(user__username="journaliste").articles.exists()
    assert Author.objects.filter(user__username="editeur").exists()
    assert Group.objects.get(name=roles.MODERATORS).user_set.count() == 1


def test_passwords_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "mot-de-passe-de-demo")
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "admin-a-part")

    output = seed("--no-images")

    User = get_user_model()
    assert User.objects.get(username="admin").check_password("admin-a-part")
    for username in ("journaliste", "editeur", "moderateur"):
        assert User.objects.get(username=username).check_password("mot-de-passe-de-demo")
    assert "mot-de-passe-de-demo" not in output
    assert "$DEMO_PASSWORD" in output


def test_generated_passwords_are_printed_once_and_kept():
    output = seed("--no-images")

    printed = dict(re.findall(r"User '(\w+)' created with password: (\S+)", output))
    assert set(printed) == {"admin", "journaliste", "editeur", "moderateur"}
    assert len(set(printed.values())) == 4
    User = get_user_model()
    for username, password in printed.items():
        assert User.objects.get(username=username).check_password(password)

    again = seed("--no-images")

    assert "created with password" not in again
    assert "'admin' already exists" in again
    assert User.objects.get(username="admin").check_password(printed["admin"])


def test_images_have_renditions_on_disk(media_root):
    seed("--images", "2")

    images = list(Image.objects.all())
    assert len(images) == 2 + len(demo.ADS)
    for image in images:
        assert image.alt_text
        assert image.renditions
        for rendition in image.renditions:
            for key in ("url_webp", "url_jpeg"):
                relative = rendition[key].removeprefix("/media/")
                assert (Path(media_root) / relative).is_file()
    photo = Image.objects.filter(credit=demo.CREDIT).first()
    assert (photo.width, photo.height) == demo.PHOTO_SIZE
    assert Article.objects.published().filter(hero_image=photo).exists()
    assert AdSlot.objects.filter(image__isnull=False).count() == len(demo.ADS)


def test_ad_slots_cover_every_placement():
    seed("--no-images")

    for placement in AdSlot.Placement.values:
        assert AdSlot.objects.live(placement).exists()


def test_make_renditions_adds_a_new_width_to_stale_images(media_root, settings):
    seed("--images", "1")
    image = Image.objects.filter(credit=demo.CREDIT).get()
    assert [r["width"] for r in image.renditions] == [360]
    settings.RENDITION_WIDTHS = [360, 400]
    out = io.StringIO()

    call_command("make_renditions", "--stale", stdout=out)

    image.refresh_from_db()
    assert [r["width"] for r in image.renditions] == [360, 400]
    assert (Path(media_root) / "renditions" / str(image.pk) / "400.webp").is_file()
    rebuilt = 1 + len(demo.ADS)
    assert f"Renditions rebuilt for {rebuilt} images (0 up to date" in out.getvalue()

    call_command("make_renditions", "--stale", stdout=out)

    assert f"rebuilt for 0 images ({rebuilt} up to date" in out.getvalue()


def test_the_demo_shows_the_newsroom_at_work(client):
    """What `make run` shows of the editors' work: the lead story they chose (not the
    newest article), featured stories, one correction of each type on its page, and a
    draft sent back to its journalist with the reason."""
    from articles.models import Correction, FrontPageChoice

    seed("--no-images")
    newest = Article.objects.published().order_by("-published_at").first()
    lead = FrontPageChoice.objects.get(block__kind="lead").article
    assert lead != newest
    home = client.get("/").content.decode()
    lead_story = home.split('<div class="lead-story">', 1)[1].split("</div>", 1)[0]
    assert lead.title in lead_story and newest.title not in lead_story
    assert FrontPageChoice.objects.filter(block__kind="featured").count() == 3
    assert set(Correction.objects.values_list("kind", flat=True)) == set(Correction.Kind.values)
    update = Correction.objects.get(kind=Correction.Kind.UPDATE)
    assert "Mise à jour" in client.get(update.article.get_absolute_url()).content.decode()
    assert update.article.title in client.get("/corrections/").content.decode()
    sent_back = Article.objects.get(sent_back_reason__gt="")
    assert sent_back.is_sent_back and sent_back.owner.username == "journaliste"


def test_the_demo_shows_a_conversation_with_a_newsroom_reply(client):
    """Under the newest story: threads with replies, one answering a reply, and one
    newsroom reply by the demo moderator with its mark."""
    from comments.models import Comment

    seed("--no-images")
    official = Comment.objects.get(newsroom=True)
    assert official.newsroom_author.username == "moderateur"
    assert official.parent is not None and official.status == Comment.Status.APPROVED
    assert Comment.objects.filter(parent__isnull=False, newsroom=False).count() >= 2
    assert Comment.objects.exclude(reply_to=None).exclude(reply_to=models.F("parent")).exists()
    html = client.get(official.get_absolute_url()).content.decode()
    assert 'class="comment-newsroom-mark"' in html and "comment-replies" in html
