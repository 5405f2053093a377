"""Trusted commenters: « Remember me », the cookie after a moderator's approval, comments
published at once with a mark no typed name gets, and revocation (comments.trust)."""

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from comments import trust
from comments.models import Comment, CommentQuerySet, TrustedCommenter
from comments.moderation import moderate
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

QUEUE = "admin:comments_comment_changelist"
TRUSTED_ADMIN = "admin:comments_trustedcommenter_changelist"
MARK = '<span class="comment-trusted">Regular reader</span>'


@pytest.fixture(autouse=True)
def regular_signals(settings):
    """Every post here has one « recent posts » penalty (score 0.6 with a solved proof of
    work): held for a reader, published for a trusted one (threshold 0.5)."""
    settings.COMMENTS_RECENT_POSTS_LIMIT = 0
    settings.COMMENTS_TRUSTED_PUBLISH_FROM = 0.5


def signed(key, salt=trust.COOKIE_SALT):
    """A cookie value as Django's set_signed_cookie makes it."""
    response = HttpResponse()
    response.set_signed_cookie(trust.cookie_name(), key, salt=salt)
    return response.cookies[trust.cookie_name()].value


def key_in(value):
    """The key a cookie value holds, as the portal reads it (None: confers nothing)."""
    request = RequestFactory().get("/")
    request.COOKIES[trust.cookie_name()] = value
    return trust.cookie_key(request)


@pytest.fixture
def trusted_key(moderator):
    """A key whose record a moderator trusted an hour ago."""
    key = trust.new_key()
    TrustedCommenter.objects.create(
        key_digest=TrustedCommenter.key_digest_of(key),
        approved_at=timezone.now() - timezone.timedelta(hours=1),
        approved_by=moderator,
    )
    return key


@pytest.fixture
def send(client, comment_data, post_comment, solve_altcha):
    """Post a verified comment from `client` (the test's browser); returns the response."""

    def post(**fields):
        return post_comment(comment_data(altcha=solve_altcha(), **fields))

    return post


def test_ticking_remember_me_holds_the_first_comment_and_sets_no_cookie_yet(client, send):
    response = send(remember="on", comment="Première fois que je commente ici.")

    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    record = comment.trusted_commenter
    assert record is not None and not record.is_trusted
    assert trust.cookie_name() not in response.cookies
    # Only a digest is stored; the key waits in the reader's session.
    key = client.session[trust.CLAIM_KEY]
    assert record.key_digest == TrustedCommenter.key_digest_of(key) != key


def test_a_verified_comment_without_the_box_is_linked_to_nothing(send, settings):
    settings.COMMENTS_RECENT_POSTS_LIMIT = 3

    send()

    comment = Comment.objects.get()
    assert (comment.status, comment.trusted_commenter) == (Comment.Status.APPROVED, None)
    assert not TrustedCommenter.objects.exists()


def test_approval_hands_the_browser_a_signed_httponly_cookie_on_its_next_request(
    client, send, article, moderator
):
    send(remember="on")
    comment = Comment.objects.get()

    moderate(Comment.objects.filter(pk=comment.pk), Comment.Status.APPROVED, moderator)

    record = TrustedCommenter.objects.get()
    assert record.is_trusted and record.approved_by == moderator
    response = client.get(reverse("comments:form-parts", args=[article.slug]))
    cookie = response.cookies[trust.cookie_name()]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/"
    assert int(cookie["max-age"]) == 365 * 86400
    assert not cookie["secure"]  # plain http in development; see the https test
    assert trust.CLAIM_KEY not in client.session
    # The cookie holds, signed, the key the record's digest was made of.
    assert TrustedCommenter.key_digest_of(key_in(cookie.value)) == record.key_digest


def test_the_cookie_is_secure_over_https(client, send, article, moderator):
    send(remember="on")
    moderate(Comment.objects.all(), Comment.Status.APPROVED, moderator)

    response = client.get(reverse("comments:form-parts", args=[article.slug]), secure=True)

    assert response.cookies[trust.cookie_name()]["secure"]


def test_the_next_post_also_hands_the_cookie_over_and_publishes_at_once(client, send, moderator):
    send(remember="on", comment="Ma première réaction.")
    moderate(Comment.objects.all(), Comment.Status.APPROVED, moderator)

    response = send(comment="Et une deuxième, tout de suite.")

    assert trust.cookie_name() in response.cookies
    second = Comment.objects.latest("pk")
    assert second.status == Comment.Status.APPROVED and second.score == 0.6


def test_a_trusted_browser_publishes_at_once_with_the_mark(client, send, article, trusted_key):
    client.cookies[trust.cookie_name()] = signed(trusted_key)

    response = send(name="Moussa", comment="Je lis ce journal tous les jours.")

    comment = Comment.objects.get()
    assert comment.status == Comment.Status.APPROVED and comment.score == 0.6
    assert comment.trusted_commenter.is_trusted
    page = Client().get(article.get_absolute_url()).text
    assert f'<bdi class="comment-author">Moussa</bdi> {MARK}' in page
    assert response.status_code == 302


def test_the_same_name_typed_without_the_cookie_gets_no_mark_and_is_held(
    client, send, article, trusted_key
):
    CommentFactory(
        article=article,
        name="Moussa",
        trusted_commenter=TrustedCommenter.objects.get(),
        body="Le vrai Moussa.",
    )

    send(name="Moussa", comment="Je suis Moussa aussi, croyez-moi.")

    impostor = Comment.objects.latest("pk")
    assert impostor.status == Comment.Status.PENDING and impostor.trusted_commenter is None
    page = Client().get(article.get_absolute_url()).text
    assert page.count(MARK) == 1


def test_trust_is_below_a_threshold_only(client, send, settings, trusted_key):
    settings.COMMENTS_TRUSTED_PUBLISH_FROM = 0.65
    client.cookies[trust.cookie_name()] = signed(trusted_key)

    send()

    assert Comment.objects.get().status == Comment.Status.PENDING


def test_a_pre_moderated_article_holds_a_trusted_commenter_too(client, send, article, trusted_key):
    article.comments_premoderated = True
    article.save()
    client.cookies[trust.cookie_name()] = signed(trusted_key)

    send()

    assert Comment.objects.get().status == Comment.Status.PENDING


@pytest.mark.parametrize(
    "value",
    [
        "garbage",
        "",
        "a" * 43,
        "é" * 5000,
        signed(trust.new_key(), salt="another.salt"),
        signed("short-key"),
        signed(trust.new_key())[:-3] + "abc",
    ],
    ids=["garbage", "empty", "unsigned", "huge", "other-salt", "bad-key", "tampered"],
)
def test_a_forged_or_tampered_cookie_confers_nothing_and_is_deleted(
    client, send, article, value, trusted_key
):
    client.cookies[trust.cookie_name()] = value

    response = send()

    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING and comment.trusted_commenter is None
    parts = client.get(reverse("comments:form-parts", args=[article.slug]))
    assert parts.status_code == 200
    assert parts.cookies[trust.cookie_name()]["max-age"] == 0  # deleted


def test_a_signed_cookie_of_an_unknown_key_confers_nothing(client, send):
    client.cookies[trust.cookie_name()] = signed(trust.new_key())

    send()

    assert Comment.objects.get().status == Comment.Status.PENDING


def test_revoking_ends_the_trust_and_the_mark_until_trusted_again(
    client, send, article, trusted_key, moderator
):
    client.cookies[trust.cookie_name()] = signed(trusted_key)
    send(comment="Avant la révocation.")
    assert MARK in Client().get(article.get_absolute_url()).text

    assert trust.revoke(TrustedCommenter.objects.all(), moderator) == 1

    assert MARK not in Client().get(article.get_absolute_url()).text
    send(comment="Après la révocation.")
    assert Comment.objects.latest("pk").status == Comment.Status.PENDING
    # The cookie stays, conferring nothing, until a moderator trusts the browser again.
    parts = client.get(reverse("comments:form-parts", args=[article.slug]))
    assert trust.cookie_name() not in parts.cookies
    trust.restore(TrustedCommenter.objects.all(), moderator)
    send(comment="Et la confiance est revenue.")
    assert Comment.objects.latest("pk").status == Comment.Status.APPROVED


def test_marking_a_trusted_commenters_comment_as_spam_revokes_the_trust(
    client, send, trusted_key, moderator
):
    client.cookies[trust.cookie_name()] = signed(trusted_key)
    send()

    moderate(Comment.objects.all(), Comment.Status.SPAM, moderator)

    record = TrustedCommenter.objects.get()
    assert record.revoked_by == moderator
    assert record.revoked_because == TrustedCommenter.RevokedBecause.SPAM


def test_spam_on_the_comments_change_page_revokes_too(
    client, send, trusted_key, moderator, article
):
    client.cookies[trust.cookie_name()] = signed(trusted_key)
    send()
    comment = Comment.objects.get()
    staff = Client()
    staff.force_login(moderator)

    response = staff.post(
        reverse("admin:comments_comment_change", args=[comment.pk]),
        {"name": comment.name, "body": comment.body, "status": Comment.Status.SPAM},
    )

    assert response.status_code == 302
    assert TrustedCommenter.objects.get().revoked_at is not None


def test_a_rejected_first_comment_drops_the_claim_and_trusts_nobody(
    client, send, article, moderator
):
    send(remember="on")
    moderate(Comment.objects.all(), Comment.Status.REJECTED, moderator)

    response = client.get(reverse("comments:form-parts", args=[article.slug]))

    assert trust.cookie_name() not in response.cookies
    assert not TrustedCommenter.objects.get().is_trusted
    # Nothing waits any more: the reader's session goes, their pages are shared again.
    client.get(article.get_absolute_url())
    assert trust.CLAIM_KEY not in client.session


def test_the_queue_and_the_comment_page_show_the_trust(client, send, trusted_key, moderator):
    client.cookies[trust.cookie_name()] = signed(trusted_key)
    send()
    comment = Comment.objects.get()
    staff = Client()
    staff.force_login(moderator)

    queue = staff.get(reverse(QUEUE) + "?trusted=yes").text
    page = staff.get(reverse("admin:comments_comment_change", args=[comment.pk])).text

    assert "Trusted commenter" in queue and comment.name in queue
    assert "trusted since" in page and moderator.username in page


def test_moderators_revoke_and_trust_again_from_the_admin(trusted_key, moderator):
    staff = Client()
    staff.force_login(moderator)
    record = TrustedCommenter.objects.get()

    listing = staff.get(reverse(TRUSTED_ADMIN) + "?state=trusted")
    assert listing.status_code == 200 and str(record) in listing.text
    staff.post(
        reverse(TRUSTED_ADMIN),
        {"action": "revoke", "_selected_action": [record.pk]},
    )
    record.refresh_from_db()
    assert record.revoked_by == moderator
    assert record.revoked_because == TrustedCommenter.RevokedBecause.MODERATOR

    staff.post(reverse(TRUSTED_ADMIN), {"action": "restore", "_selected_action": [record.pk]})
    record.refresh_from_db()
    assert record.is_trusted


def test_a_records_page_links_to_its_comments(trusted_key, moderator, article):
    record = TrustedCommenter.objects.get()
    CommentFactory(article=article, name="Awa", body="Le mien.", trusted_commenter=record)
    CommentFactory(article=article, name="Paul", body="Pas le sien.")
    staff = Client()
    staff.force_login(moderator)

    page = staff.get(reverse("admin:comments_trustedcommenter_change", args=[record.pk])).text
    assert "Awa" in page and "1 comment" in page
    listing = staff.get(reverse(QUEUE) + f"?trusted_commenter__id__exact={record.pk}")

    assert listing.status_code == 200
    assert "Le mien." in listing.text and "Pas le sien." not in listing.text


@pytest.mark.parametrize("query", ["?state=nonsense", "?trusted=%00", "?state=revoked&q=x"])
def test_bad_filter_values_in_the_admin_are_not_a_500(trusted_key, moderator, query):
    staff = Client()
    staff.force_login(moderator)

    assert staff.get(reverse(TRUSTED_ADMIN) + query).status_code in {200, 302}
    assert staff.get(reverse(QUEUE) + query).status_code in {200, 302}


def test_a_trusted_readers_article_page_is_the_shared_page(
    client, send, article, trusted_key, settings
):
    """The cookie changes no page: a trusted reader gets the page every reader gets,
    from the page cache, with nothing of theirs in it."""
    settings.PAGE_CACHE_SECONDS = 300
    client.cookies[trust.cookie_name()] = signed(trusted_key)
    send()
    client.cookies.pop(settings.SESSION_COOKIE_NAME, None)  # their outcome was shown

    anonymous = Client().get(article.get_absolute_url())
    trusted = client.get(article.get_absolute_url())

    assert trusted.status_code == anonymous.status_code == 200
    assert trusted.content == anonymous.content
    assert MARK in anonymous.text
    assert trust.cookie_name() not in trusted.cookies
    assert "public" in trusted["Cache-Control"]


def test_the_box_and_the_mark_are_in_french(article, trusted_key):
    CommentFactory(article=article, name="Awa", trusted_commenter=TrustedCommenter.objects.get())
    from django.utils import translation

    with translation.override("fr"):
        page = Client().get(article.get_absolute_url()).text

    assert "Se souvenir de moi" in page
    assert '<span class="comment-trusted">Lecteur fidèle</span>' in page


def test_without_javascript_the_confirmation_step_keeps_the_ticked_box(confirmation_step):
    html = confirmation_step(remember="on")

    assert 'name="remember"' in html
    assert "checked" in html.split('name="remember"', 1)[1].split(">", 1)[0]
    assert not TrustedCommenter.objects.exists()  # nothing stored before the step


@pytest.mark.parametrize(
    "name", ["Awa Lecteur fidèle", "Awa (lecteur-fidele)", "Regular reader", "Lеcteur fidèle"]
)
def test_a_name_that_holds_the_mark_is_refused_with_the_text_kept(send, name):
    response = send(name=name, comment="Je suis fidèle.")

    assert response.status_code == 400
    assert "is a mark the site gives, not a name" in response.text
    assert "Je suis fidèle." in response.text
    assert not Comment.objects.filter(body="Je suis fidèle.").exists()


def test_fidele_alone_is_a_first_name(send):
    send(name="Fidèle Ayissi", comment="Bonjour.")

    assert Comment.objects.filter(name="Fidèle Ayissi").exists()


def test_a_page_stored_between_the_approval_and_the_trust_gets_the_mark(
    client, send, article, moderator, monkeypatch
):
    send(remember="on", comment="Ma première réaction.")
    reader = Client()
    update = CommentQuerySet.update

    def update_then_a_reader_reads(queryset, **kwargs):
        rows = update(queryset, **kwargs)
        reader.get(article.get_absolute_url())  # stored before the grant
        return rows

    monkeypatch.setattr(CommentQuerySet, "update", update_then_a_reader_reads)
    moderate(Comment.objects.all(), Comment.Status.APPROVED, moderator)
    monkeypatch.undo()

    assert MARK in reader.get(article.get_absolute_url()).text


def test_a_record_deleted_in_the_admin_takes_the_mark_off_the_stored_page(
    client, article, trusted_key, settings
):
    settings.PAGE_CACHE_SECONDS = 300
    record = TrustedCommenter.objects.get()
    CommentFactory(article=article, trusted_commenter=record, body="Fidèle ici.")
    reader = Client()
    assert MARK in reader.get(article.get_absolute_url()).text  # stored now
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    client.post(
        reverse("admin:comments_trustedcommenter_delete", args=[record.pk]), {"post": "yes"}
    )

    assert not TrustedCommenter.objects.exists()
    html = reader.get(article.get_absolute_url()).text
    assert "Fidèle ici." in html and MARK not in html


def test_undoing_the_approval_that_trusted_a_browser_takes_the_trust_back(
    client, send, article, moderator
):
    from comments.moderation import undo

    send(remember="on", comment="Mon premier commentaire.")
    _count, token = moderate(Comment.objects.all(), Comment.Status.APPROVED, moderator)
    client.get(reverse("comments:form-parts", args=[article.slug]))  # the cookie comes
    assert TrustedCommenter.objects.get().is_trusted

    undo(token, moderator)

    assert not TrustedCommenter.objects.get().is_trusted
    send(remember="on", comment="Et un deuxième.")
    assert Comment.objects.latest("pk").status == Comment.Status.PENDING
    # Ticked again, a comment a moderator approves trusts the browser again.
    moderate(Comment.objects.filter(pk=Comment.objects.latest("pk").pk), "approved", moderator)
    send(comment="Et un troisième, publié aussitôt.")
    assert Comment.objects.latest("pk").status == Comment.Status.APPROVED


def test_rejecting_one_comment_of_a_reader_with_others_published_keeps_the_trust(
    client, send, trusted_key, moderator
):
    client.cookies[trust.cookie_name()] = signed(trusted_key)
    send(comment="Un premier, publié.")
    send(comment="Un second, publié lui aussi.")
    moderate(Comment.objects.filter(pk=Comment.objects.latest("pk").pk), "rejected", moderator)
    assert TrustedCommenter.objects.get().is_trusted
    moderate(Comment.objects.all(), Comment.Status.REJECTED, moderator)
    assert not TrustedCommenter.objects.get().is_trusted
