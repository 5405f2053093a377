import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from articles.newsroom import roles
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    ImageFactory,
    SectionFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Logging users in is the point of these tests, not the cost of PBKDF2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def groups(db):
    # The data migrations made them; a transactional test before this one may have
    # flushed them, so make sure (sync_roles is idempotent).
    roles.sync_roles(apps)
    return {group.name: group for group in Group.objects.all()}


def _staff(username, group):
    user = UserFactory(username=username, is_staff=True)
    user.groups.add(group)
    return user


@pytest.fixture
def journalist(groups):
    user = _staff("awa", groups[roles.JOURNALISTS])
    AuthorFactory(name="Awa Diallo", user=user)
    return user


@pytest.fixture
def other_journalist(groups):
    return _staff("koffi", groups[roles.JOURNALISTS])


@pytest.fixture
def editor(groups):
    return _staff("chef", groups[roles.EDITORS])


@pytest.fixture
def moderator(groups):
    return _staff("modo", groups[roles.MODERATORS])


@pytest.fixture
def section(db):
    return SectionFactory(name="Politique", slug="politique")


@pytest.fixture
def ready_draft(journalist, section):
    """A draft that passes every pre-publish check."""
    return ArticleFactory(
        title="Le budget adopté",
        standfirst="L’Assemblée a voté le budget dans la nuit.",
        body="<p>Les députés ont adopté le texte.</p>",
        section=section,
        hero_image=ImageFactory(alt_text="L’hémicycle pendant le vote", credit="AFP"),
        status="draft",
        published_at=None,
        owner=journalist,
    )


def article_form_data(article, **overrides):
    """The admin change form's POST data for `article`, as a browser would send it."""
    data = {
        "title": article.title,
        "slug": article.slug,
        "standfirst": article.standfirst,
        "body": article.body,
        "section": article.section_id,
        "tags": ", ".join(t.name for t in article.tags.all()) if article.pk else "",
        "authors": [a.pk for a in article.authors.all()] if article.pk else [],
        "hero_image": article.hero_image_id or "",
        "status": article.status,
        "published_at_0": "",
        "published_at_1": "",
        "owner": article.owner_id or "",
        "comments_open": "on" if article.comments_open else "",
        "related_articles": [],
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": str(article.corrections.count()) if article.pk else "0",
        "corrections-MIN_NUM_FORMS": "0",
        "corrections-MAX_NUM_FORMS": "1000",
    }
    if article.published_at:
        from django.utils import timezone

        local = timezone.localtime(article.published_at)
        data["published_at_0"] = local.strftime("%Y-%m-%d")
        data["published_at_1"] = local.strftime("%H:%M:%S")
    if article.is_breaking:
        data["is_breaking"] = "on"
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture(autouse=True)
def english_admin():
    """Work in the English admin (/en/admin/…): assertions read the English source
    strings; the French catalogue is checked by the pages' own tests."""
    from django.utils import translation

    with translation.override("en"):
        yield
