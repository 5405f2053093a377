"""Old addresses keep working: a renamed or moved section (with its subsections and
feeds), tag or author answers 301 from every old path, as articles do; an address that
still redirects is never handed to another object."""

import pytest
from taggit.models import Tag

from articles.models import Article, Author, Section
from tests.factories import ArticleFactory, AuthorFactory, CommentFactory, SectionFactory

pytestmark = pytest.mark.django_db

INLINE = {
    f"taggit_taggeditem_items-{key}": value
    for key, value in {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0", "MAX_NUM_FORMS": "1000"}.items()
}


def assert_moved(client, old, new):
    response = client.get(old)
    assert response.status_code == 301, (old, response.status_code)
    assert response["Location"] == new, old
    assert client.get(new).status_code == 200, new


@pytest.fixture
def sections():
    news = SectionFactory(name="News - Infos", slug="news-infos")
    diplomatie = SectionFactory(name="Diplomatie", slug="diplomatie", parent=news)
    afrique = SectionFactory(name="Afrique", slug="afrique", parent=diplomatie)
    ArticleFactory(section=afrique)
    return news, diplomatie, afrique


def rename(section, slug):
    section = Section.objects.get(pk=section.pk)
    section.slug = slug
    section.save()
    return section


def test_a_renamed_section_keeps_its_pages_subsections_and_feeds(client, sections):
    news, _diplomatie, _afrique = sections
    rename(news, "actualites")
    moves = {
        "/rubrique/news-infos/": "/rubrique/actualites/",
        "/rubrique/news-infos/diplomatie/": "/rubrique/actualites/diplomatie/",
        "/rubrique/news-infos/diplomatie/afrique/": "/rubrique/actualites/diplomatie/afrique/",
        "/rubrique/news-infos/?page=1": "/rubrique/actualites/?page=1",
        "/en/rubrique/news-infos/diplomatie/": "/en/rubrique/actualites/diplomatie/",
    }
    for fmt in ("rss", "atom"):
        moves[f"/flux/rubrique/news-infos/{fmt}/"] = f"/flux/rubrique/actualites/{fmt}/"
        moves[f"/flux/rubrique/news-infos/diplomatie/afrique/{fmt}/"] = (
            f"/flux/rubrique/actualites/diplomatie/afrique/{fmt}/"
        )
        moves[f"/en/flux/rubrique/news-infos/{fmt}/"] = f"/en/flux/rubrique/actualites/{fmt}/"
    for old, new in moves.items():
        assert_moved(client, old, new)


def test_every_old_path_of_a_section_renamed_twice_and_moved_leads_to_it(client, sections):
    news, diplomatie, afrique = sections
    monde = SectionFactory(name="Monde", slug="monde")
    rename(diplomatie, "relations")
    rename(diplomatie, "relations-internationales")
    moved = Section.objects.get(pk=afrique.pk)
    moved.parent = monde
    moved.save()
    for old in (
        "/rubrique/news-infos/diplomatie/afrique/",
        "/rubrique/news-infos/relations/afrique/",
        "/rubrique/news-infos/relations-internationales/afrique/",
    ):
        assert_moved(client, old, "/rubrique/monde/afrique/")
    assert_moved(
        client, "/rubrique/news-infos/relations/", "/rubrique/news-infos/relations-internationales/"
    )


def test_a_section_renamed_back_takes_its_address_again(client, sections):
    news = sections[0]
    rename(news, "actualites")
    rename(news, "news-infos")
    assert client.get("/rubrique/news-infos/").status_code == 200
    assert_moved(client, "/rubrique/actualites/", "/rubrique/news-infos/")


def test_a_deleted_section_old_address_is_a_404(client):
    section = SectionFactory(slug="ephemere")
    rename(section, "passagere")
    Section.objects.get(pk=section.pk).delete()
    assert client.get("/rubrique/ephemere/").status_code == 404


def test_a_renamed_tag_keeps_its_page_and_feeds(client, admin_client):
    ArticleFactory(tags=["CEDEAO"])
    tag = Tag.objects.get(name="CEDEAO")
    response = admin_client.post(
        f"/admin/taggit/tag/{tag.pk}/change/",
        {"name": "Cédéao", "slug": "cedeao-afrique-de-l-ouest", **INLINE},
    )
    assert response.status_code == 302
    assert_moved(client, "/tag/cedeao/", "/tag/cedeao-afrique-de-l-ouest/")
    assert_moved(client, "/tag/cedeao/?page=1", "/tag/cedeao-afrique-de-l-ouest/?page=1")
    for fmt in ("rss", "atom"):
        assert_moved(
            client, f"/flux/tag/cedeao/{fmt}/", f"/flux/tag/cedeao-afrique-de-l-ouest/{fmt}/"
        )
    assert_moved(client, "/en/tag/cedeao/", "/en/tag/cedeao-afrique-de-l-ouest/")


def test_a_renamed_author_keeps_the_byline_page_and_feeds(client):
    author = AuthorFactory(name="Awa Diallo", slug="awa-diallo")
    ArticleFactory(authors=[author])
    author.slug = "awa-diallo-ndiaye"
    author.save()
    author.slug = "a-diallo-ndiaye"
    author.save()
    for old in ("awa-diallo", "awa-diallo-ndiaye"):
        assert_moved(client, f"/auteur/{old}/", "/auteur/a-diallo-ndiaye/")
        assert_moved(client, f"/flux/auteur/{old}/atom/", "/flux/auteur/a-diallo-ndiaye/atom/")


# A held address is never handed over ------------------------------------------------


def test_a_new_article_never_takes_the_old_address_of_another(client):
    old = ArticleFactory(title="Sommet de la CEDEAO à Abuja")
    old.slug = "sommet-cedeao-abuja"
    old.save()
    # Same title, so the same slug from the title; then the slug typed explicitly.
    new = ArticleFactory(title="Sommet de la CEDEAO à Abuja", slug="")
    explicit = ArticleFactory(title="Autre", slug="sommet-de-la-cedeao-a-abuja")
    assert new.slug == "sommet-de-la-cedeao-a-abuja-2"
    assert explicit.slug == "sommet-de-la-cedeao-a-abuja-3"
    assert explicit.slug_notice.holder == old
    assert_moved(client, "/article/sommet-de-la-cedeao-a-abuja/", "/article/sommet-cedeao-abuja/")


def test_the_editor_is_told_why_the_article_got_a_suffix(admin_client, client):
    from tests.newsroom.conftest import article_form_data

    old = ArticleFactory(title="Pluies à Cotonou")
    old.slug = "pluies-a-cotonou-bilan"
    old.save()
    draft = Article(title="Pluies à Cotonou", section=old.section)
    # The admin's prepopulated slug arrives filled in, as the browser sends it.
    data = article_form_data(draft, slug="pluies-a-cotonou")
    response = admin_client.post("/admin/articles/article/add/", data, follow=True)
    assert response.status_code == 200
    new = Article.objects.exclude(pk=old.pk).get(title="Pluies à Cotonou")
    assert new.slug == "pluies-a-cotonou-2"
    messages = [str(m) for m in response.context["messages"]]
    assert any("pluies-a-cotonou" in m and "pluies-a-cotonou-2" in m for m in messages), messages
    assert_moved(client, "/article/pluies-a-cotonou/", "/article/pluies-a-cotonou-bilan/")


def test_a_new_section_never_takes_the_old_address_of_another(admin_client, client, sections):
    news, diplomatie, _afrique = sections
    rename(diplomatie, "relations")
    response = admin_client.post(
        "/admin/articles/section/add/",
        {"name": "Diplomatie", "slug": "diplomatie", "parent": news.pk, "position": 0},
        follow=True,
    )
    assert response.status_code == 200
    created = Section.objects.exclude(pk=diplomatie.pk).get(parent=news, name="Diplomatie")
    assert created.slug == "diplomatie-2"
    messages = [str(m) for m in response.context["messages"]]
    assert any("diplomatie-2" in m for m in messages), messages
    assert_moved(client, "/rubrique/news-infos/diplomatie/", "/rubrique/news-infos/relations/")
    # Elsewhere in the tree the same slug is free.
    elsewhere = SectionFactory(name="Diplomatie", slug="diplomatie")
    assert elsewhere.slug == "diplomatie"


def test_a_new_author_never_takes_the_old_address_of_another(admin_client, client):
    author = AuthorFactory(name="Awa Diallo", slug="awa-diallo")
    ArticleFactory(authors=[author])
    author.slug = "awa-diallo-dakar"
    author.save()
    response = admin_client.post(
        "/admin/articles/author/add/", {"name": "Awa Diallo", "slug": "awa-diallo"}, follow=True
    )
    assert response.status_code == 200
    assert Author.objects.get(name="Awa Diallo", pk__gt=author.pk).slug == "awa-diallo-2"
    assert any("awa-diallo-2" in str(m) for m in response.context["messages"])
    assert_moved(client, "/auteur/awa-diallo/", "/auteur/awa-diallo-dakar/")


def test_a_new_tag_never_takes_the_old_address_of_another(admin_client, client):
    ArticleFactory(tags=["Sahel"])
    sahel = Tag.objects.get(name="Sahel")
    sahel.slug = "sahel-region"
    sahel.save()
    ArticleFactory(tags=["sahel!"])  # a name whose slug is « sahel »
    assert Tag.objects.get(name="sahel!").slug == "sahel-2"
    response = admin_client.post(
        "/admin/taggit/tag/add/", {"name": "Sahel central", "slug": "sahel", **INLINE}, follow=True
    )
    assert Tag.objects.get(name="Sahel central").slug == "sahel-3"
    assert any("sahel-3" in str(m) for m in response.context["messages"])
    assert_moved(client, "/tag/sahel/", "/tag/sahel-region/")


def test_a_renamed_article_keeps_its_query_string_like_every_old_address(client, settings):
    settings.COMMENTS_PER_PAGE = 1
    article = ArticleFactory(title="Pluies à Cotonou", slug="pluies")
    CommentFactory.create_batch(2, article=article)  # two pages of comments
    article.slug = "pluies-cotonou"
    article.save()
    # The comment pages' parameter: the one query parameter an article page reads.
    assert_moved(
        client, "/article/pluies/?commentaires=2", "/article/pluies-cotonou/?commentaires=2"
    )
    assert_moved(client, "/article/pluies/", "/article/pluies-cotonou/")


def test_the_old_address_of_an_article_taken_offline_is_a_404(client):
    article = ArticleFactory(title="Pluies à Cotonou", slug="pluies")
    article.slug = "pluies-cotonou"
    article.status = Article.Status.DRAFT
    article.save()
    assert client.get("/article/pluies/").status_code == 404
    assert client.get("/article/pluies-cotonou/").status_code == 404
