from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone, translation

from articles.models import Article
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL full-text search (french_unaccent, ts_rank); SQLite uses the fallback",
)

READER = {
    "HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"
}


@pytest.fixture(autouse=True)
def french_first():
    """Each test starts in French: a request to /en/ leaves English active in the thread."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def sections():
    afrique = SectionFactory(name="Afrique", slug="afrique")
    benin = SectionFactory(name="Bénin", slug="benin", parent=afrique)
    monde = SectionFactory(name="Monde", slug="monde")
    return {"afrique": afrique, "benin": benin, "monde": monde}


@pytest.fixture
def hidden_articles(sections):
    """A draft, an article in review and a scheduled one, all about the election."""
    common = {"section": sections["benin"], "standfirst": "Élection présidentielle secrète."}
    return [
        ArticleFactory(title="Brouillon sur l’élection", status=Article.Status.DRAFT, **common),
        ArticleFactory(title="Relecture de l’élection", status=Article.Status.IN_REVIEW, **common),
        ArticleFactory(
            title="Élection programmée",
            published_at=timezone.now() + timedelta(days=1),
            **common,
        ),
    ]


@pytest.fixture
def article(sections):
    """A published article with everything a page can show: photo, authors, tags."""
    return ArticleFactory(
        title="Élection présidentielle : le Bénin vote dans le calme",
        standfirst="Les électeurs béninois se sont rendus aux urnes dimanche.",
        body="<p>Les bureaux de vote ont ouvert à 7 heures à Cotonou.</p>",
        section=sections["benin"],
        hero_image=ImageFactory(alt_text="Des électeurs devant un bureau de vote"),
        authors=[AuthorFactory(name="Aïcha Dossou")],
        tags=["Politique", "Élections"],
    )
