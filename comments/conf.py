"""The comments app's settings and their defaults.

A project sets only what it changes: any `COMMENTS_*` setting it leaves out has the
default in `DEFAULTS` below. (newsportal/settings.py sets only those an operator gives
as environment variables, docs/configuration.md; docs/comments.md says what each one
does.) The app reads them through `settings` here, never through `django.conf`:

    from .conf import settings

    settings.COMMENTS_PER_PAGE  # the project's value, or 50

`settings` is Django's settings with these defaults behind them, read at each access:
`override_settings` and pytest-django's `settings` fixture change what the next read
returns, and deleting a setting brings its default back.
"""

from django.conf import settings as project_settings

# Every setting of the app and its default. Scores run from 0.0 (a robot) to 1.0 (a
# human); durations are in seconds unless the name says otherwise.
DEFAULTS = {
    # The captcha provider (comments.captcha): "builtin" or "recaptcha".
    "COMMENTS_CAPTCHA_PROVIDER": "builtin",
    # The decision (comments.moderation.decide): below this a comment is refused, from
    # the next one up it is published (unless pre-moderated), held in between.
    "COMMENTS_REJECT_BELOW": 0.3,
    "COMMENTS_PUBLISH_FROM": 0.7,
    # Every comment waits for a moderator, whatever its score.
    "COMMENTS_PREMODERATION": False,
    # Comments close by themselves this many days after publication (0: never).
    "COMMENTS_CLOSE_AFTER_DAYS": 30,
    # Comments per page under an article.
    "COMMENTS_PER_PAGE": 50,
    # Characters in a comment (the name's limit is the model field's, 80).
    "COMMENTS_BODY_MAX_LENGTH": 3000,
    # Posts per client IP per window (comments.ratelimit); generous, because many
    # mobile readers share one carrier IP.
    "COMMENTS_RATE_LIMIT": 10,
    "COMMENTS_RATE_WINDOW": 600,
    # The portal's own signals (comments.scoring).
    "COMMENTS_MIN_SUBMIT_SECONDS": 3,
    "COMMENTS_MAX_FORM_AGE": 24 * 3600,
    "COMMENTS_MAX_LINKS": 2,
    "COMMENTS_RECENT_POSTS_LIMIT": 3,
    "COMMENTS_RECENT_POSTS_WINDOW": 600,
    # Addresses told about held comments, besides the users who may moderate.
    "COMMENTS_MODERATOR_EMAILS": (),
    # The score of a right answer to the no-JavaScript question (held, never refused).
    "COMMENTS_NOJS_SCORE": 0.6,
    # builtin: the ALTCHA proof of work (PBKDF2/SHA-256); the counter range sets the
    # work. An empty key signs the challenges with a key derived from SECRET_KEY.
    "COMMENTS_ALTCHA_HMAC_KEY": "",
    "COMMENTS_ALTCHA_COST": 5000,
    "COMMENTS_ALTCHA_MIN_COUNTER": 500,
    "COMMENTS_ALTCHA_MAX_COUNTER": 5000,
    "COMMENTS_ALTCHA_EXPIRES": 1200,
    # recaptcha: Google reCAPTCHA v3, checked server side; both keys are required
    # with this provider. No host names: the request's host is expected.
    "COMMENTS_RECAPTCHA_SITE_KEY": "",
    "COMMENTS_RECAPTCHA_SECRET_KEY": "",
    "COMMENTS_RECAPTCHA_VERIFY_URL": "https://www.google.com/recaptcha/api/siteverify",
    "COMMENTS_RECAPTCHA_MIN_SCORE": 0.5,
    "COMMENTS_RECAPTCHA_ACTION": "comment",
    "COMMENTS_RECAPTCHA_HOSTNAMES": (),
    "COMMENTS_RECAPTCHA_MAX_AGE": 120,
    "COMMENTS_RECAPTCHA_TIMEOUT": 3.0,
    # Days a comment keeps its sender's IP address and user agent (for abuse handling);
    # `manage.py purge_personal_data` blanks them after that (docs/privacy.md).
    "COMMENTS_KEEP_IP_DAYS": 30,
    # Trusted commenters (comments.trust): a browser whose reader asked to be remembered
    # and had a comment approved by a moderator publishes at once from this score up
    # (instead of COMMENTS_PUBLISH_FROM), unless the story is pre-moderated; its cookie
    # lasts this many days.
    "COMMENTS_TRUSTED_PUBLISH_FROM": 0.5,
    "COMMENTS_TRUSTED_COOKIE_DAYS": 365,
    # Heat (comments.heat): more than this many held or spam comments on one story in
    # an hour switch it to pre-moderation for this many hours (0: never).
    "COMMENTS_HEAT_THRESHOLD": 10,
    "COMMENTS_HEAT_HOURS": 6,
}


class AppSettings:
    """Django's settings, where a `COMMENTS_*` setting the project leaves out has its default.

    Any other name reads Django's setting as it is (`settings.SITE_URL`), so one object
    serves the app's modules. An unknown name raises AttributeError, as Django's does.
    """

    def __getattr__(self, name):
        try:
            return getattr(project_settings, name)
        except AttributeError:
            if name in DEFAULTS:
                return DEFAULTS[name]
            raise


settings = AppSettings()
