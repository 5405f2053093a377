"""The comments of `manage.py seed_demo`: a conversation under the newest story.

Written when the articles app has loaded its demo (articles.events.demo_loaded), so
that the articles app imports nothing of the comments app.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model

from articles.models import Article
from articles.newsroom import roles

from .models import Comment
from .newsroom import reply_as_newsroom

# A conversation under the newest story: readers, replies, and the newsroom answering.
CONVERSATION = [
    # (name, text, index of the comment answered or None, minutes after publication)
    ("Kofi", "Merci pour cet article clair. Sait-on déjà quand aura lieu le vote ?", None, 30),
    ("Awa", "Bonne question, Kofi. On parlait de mars à la radio ce matin.", 0, 45),
    ("Moussa", "Le chiffre du deuxième paragraphe me paraît bien élevé.", None, 60),
    ("Aïcha", "Awa, la radio disait plutôt avril, non ?", 1, 70),
]
NEWSROOM_REPLY = (
    "La date officielle n'est pas encore publiée : nous mettrons l'article à jour dès "
    "qu'elle le sera. Merci de vos questions."
)


def ensure_conversation(sender=None, *, articles, now, **kwargs):
    """Add, under the newest published story of freshly loaded `articles` (a list of
    Article), a few published comments with replies (one answering a reply) and one
    newsroom reply by the demo moderator, so that `make run` shows threads and the
    « Rédaction » mark. `now`: the load's aware datetime. Returns the number of
    comments written. The receiver of articles.events.demo_loaded (comments.apps)."""
    live = [a for a in articles if a.status == Article.Status.PUBLISHED and a.published_at <= now]
    if not live:
        return 0
    article = max(live, key=lambda a: a.published_at)
    start = article.published_at
    written = []
    for name, body, answered, minutes in CONVERSATION:
        target = written[answered] if answered is not None else None
        written.append(
            Comment.objects.create(
                article=article,
                name=name,
                body=body,
                parent=(target.parent or target) if target else None,
                reply_to=target,
                status=Comment.Status.APPROVED,
                provider="builtin",
                reasons=[{"code": "pow_solved"}],
                created_at=min(start + timedelta(minutes=minutes), now),
            )
        )
    moderator = get_user_model().objects.filter(groups__name=roles.MODERATORS).first()
    if moderator is not None:
        at = min(start + timedelta(minutes=90), now)
        reply_as_newsroom(written[0], moderator, "La rédaction", NEWSROOM_REPLY, now=at)
        return len(written) + 1
    return len(written)
