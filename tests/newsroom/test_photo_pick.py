"""The photo list of the body editor's dialog (the media library's pick view)."""

import pytest

from tests.factories import ImageFactory

URL = "/admin/articles/image/pick/"


@pytest.fixture
def library(journalist):
    # The journalist's own uploads: a journalist's dialog lists those and public photos.
    return [
        ImageFactory(
            alt_text="Le marché Dantokpa",
            caption="Au petit matin",
            credit="Rédaction",
            uploaded_by=journalist,
        ),
        ImageFactory(
            alt_text="Un pêcheur",
            caption="Sur la lagune",
            credit="Agence Bénin",
            uploaded_by=journalist,
        ),
    ]


def test_a_journalist_finds_photos_by_alt_text_caption_or_credit(client, journalist, library):
    client.force_login(journalist)
    searches = [("dantokpa", library[0]), ("lagune", library[1]), ("agence", library[1])]
    for query, expected in searches:
        results = client.get(URL, {"q": query}).json()["results"]
        assert [r["id"] for r in results] == [expected.pk], query
    found = client.get(URL, {"q": "pêcheur"}).json()["results"][0]
    assert found == {
        "id": library[1].pk,
        "alt": "Un pêcheur",
        "caption": "Sur la lagune",
        "credit": "Agence Bénin",
        "thumb": library[1].renditions[0]["url_jpeg"],
    }


def test_photos_by_their_ids_and_all_of_them_newest_first(client, journalist, library):
    client.force_login(journalist)
    results = client.get(URL, {"ids": f"{library[0].pk},abc"}).json()["results"]
    assert [r["id"] for r in results] == [library[0].pk]
    everything = client.get(URL).json()["results"]
    assert [r["id"] for r in everything] == [library[1].pk, library[0].pk]


def test_only_the_newsroom_sees_the_photo_list(client, moderator, library):
    assert client.get(URL).status_code == 302  # to the admin's login
    client.force_login(moderator)
    assert client.get(URL).status_code == 403


def test_a_number_no_photo_can_have_is_no_photo(client, journalist, library):
    client.force_login(journalist)
    # Superscript and other non-ASCII digits pass str.isdigit() but are no number.
    for ids in ("99999999999999999999999", f"{library[0].pk},123456789012345678901", "²", "¹,𝟙"):
        response = client.get(URL, {"ids": ids})
        assert response.status_code == 200
        assert [r["id"] for r in response.json()["results"]] in ([], [library[0].pk])
