"""Ad slots in the admin: a schedule that ends before it starts is a form error in French."""

import pytest
from django.utils import translation

from articles.models import AdSlot

pytestmark = pytest.mark.django_db


def test_an_ad_ending_before_it_starts_is_refused_in_french(admin_client):
    data = {
        "name": "Banque du Sahel",
        "placement": "home",
        "text": "Ouvrez un compte",
        "link_url": "https://example.org/",
        "starts_at_0": "2026-12-10",
        "starts_at_1": "10:00:00",
        "ends_at_0": "2026-12-09",
        "ends_at_1": "10:00:00",
        "is_active": "on",
        "position": "0",
    }
    with translation.override("fr"):
        response = admin_client.post("/admin/articles/adslot/add/", data, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    page = response.content.decode()
    assert "La publicité doit finir après son début" in page
    assert "adslot_ends_after_start" not in page
    assert "Banque du Sahel" in page  # what was typed is kept
    assert not AdSlot.objects.exists()
