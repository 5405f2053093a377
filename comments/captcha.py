"""Captcha providers behind one interface, chosen by COMMENTS_CAPTCHA_PROVIDER.

A provider turns what the reader's browser sent into a `Verdict` (comments.scoring): a
score from 0.0 (a robot) to 1.0 (a human) with the reasons, or "unavailable" when the
provider could not answer, in which case the comment is held for a moderator, never
published, never lost. Every solution or token is accepted once only (`spend_once`).

- `builtin`: an ALTCHA proof-of-work (the `altcha` package, protocol v2, served by
  `comments.views.altcha_challenge` and solved by the widget in static/vendor/altcha),
  with a small arithmetic question for readers without JavaScript (asked on the
  confirmation step, comments.views).
- `recaptcha`: Google reCAPTCHA v3, checked server side through `siteverify`.

A provider's widget is never part of a cached page: `widget_context` and `assets` are
what the form-parts endpoint (comments.views.form_parts) sends when a reader first
touches the form, and what a form shown again to one reader carries inline.
"""

import hashlib
import http.client
import json
import logging
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta

import altcha
from django.core import signing
from django.db import IntegrityError, transaction
from django.middleware.csrf import get_token
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext

from .conf import settings
from .models import SpentToken
from .reasons import reason
from .scoring import Verdict

logger = logging.getLogger(__name__)


def _digest(kind, value):
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


def already_spent(kind, value):
    """Whether `spend_once` recorded this value already (and it has not expired)."""
    return SpentToken.objects.filter(
        digest=_digest(kind, value), expires_at__gte=timezone.now()
    ).exists()


def spend_once(kind, value, expires_at):
    """Record a solution or token as used; False when it was used already."""
    digest = _digest(kind, value)
    now = timezone.now()
    SpentToken.objects.filter(expires_at__lt=now).delete()
    try:
        with transaction.atomic():
            SpentToken.objects.create(digest=digest, expires_at=expires_at)
    except IntegrityError:
        return False
    return True


class CaptchaProvider:
    name = ""
    template_name = ""

    def widget_context(self, request):
        """What the widget's template (`template_name`) needs: a dict."""
        return {}

    def assets(self):
        """The widget's code: {"stylesheets": [URL, …], "scripts": [{"src", "type"}, …]}.

        Scripts load in this order; `type` is "module" or "" (a classic script). Every
        URL is the site's own (a static file) unless the provider is a third party.
        """
        return {"stylesheets": [], "scripts": []}

    def verify(self, data, sender):
        """The Verdict (comments.scoring) on one post.

        `data`: what the form sent (request.POST or a dict of str); `sender`: what the
        portal knows of the client (comments.posting.Sender: its IP address and the host
        name the form was posted to). Never raises for what a client sends: a provider
        that cannot answer gives an unavailable verdict.
        """
        raise NotImplementedError


class NoScriptQuestion:
    """The fallback for readers without JavaScript: a sum to work out.

    Weaker than a proof of work, so a right answer scores COMMENTS_NOJS_SCORE (0.6 by
    default: held for a moderator, never rejected).
    """

    def create_question(self):
        """A sum to work out, and a signed token that holds only a keyed hash of its answer."""
        a, b = 2 + secrets.randbelow(8), 2 + secrets.randbelow(8)
        nonce = secrets.token_hex(12)
        token = signing.dumps(
            {"n": nonce, "h": self._answer_hash(nonce, a + b)}, salt="comments.question"
        )
        return gettext("How much is %(a)s plus %(b)s?") % {"a": a, "b": b}, token

    def _answer_hash(self, nonce, answer):
        return salted_hmac("comments.question", f"{nonce}:{answer}", algorithm="sha256").hexdigest()

    def question_context(self):
        question, token = self.create_question()
        return {"question": question, "question_token": token}

    def _verify_answer(self, token, answer):
        max_age = settings.COMMENTS_ALTCHA_EXPIRES
        try:
            question = signing.loads(token, salt="comments.question", max_age=max_age)
        except signing.SignatureExpired:
            return Verdict.failed(self.name, "question_expired")
        except signing.BadSignature:
            return Verdict.failed(self.name, "question_tampered")
        nonce = question["n"]
        if not answer.strip():
            return Verdict.failed(self.name, "captcha_missing")
        if not constant_time_compare(self._answer_hash(nonce, answer.strip()), question["h"]):
            return Verdict.failed(self.name, "wrong_answer")
        if not spend_once("question", nonce, timezone.now() + timedelta(seconds=max_age)):
            return Verdict.failed(self.name, "question_used")
        return Verdict(
            self.name,
            settings.COMMENTS_NOJS_SCORE,
            [reason("question_answered")],
            passed=True,
        )


class BuiltinProvider(NoScriptQuestion, CaptchaProvider):
    """ALTCHA proof of work, with an arithmetic question for readers without JavaScript."""

    name = "builtin"
    template_name = "comments/captcha/builtin.html"
    algorithm = "PBKDF2/SHA-256"

    @property
    def hmac_secret(self):
        return (
            settings.COMMENTS_ALTCHA_HMAC_KEY
            or salted_hmac("comments.altcha", "challenge", algorithm="sha256").hexdigest()
        )

    @property
    def hmac_key_secret(self):
        return salted_hmac("comments.altcha", self.hmac_secret, algorithm="sha256").hexdigest()

    def create_challenge(self):
        """A signed challenge whose solution is a counter the browser must find."""
        low = settings.COMMENTS_ALTCHA_MIN_COUNTER
        high = settings.COMMENTS_ALTCHA_MAX_COUNTER
        challenge = altcha.create_challenge(
            self.algorithm,
            settings.COMMENTS_ALTCHA_COST,
            counter=low + secrets.randbelow(max(1, high - low)),
            expires_at=int(time.time()) + settings.COMMENTS_ALTCHA_EXPIRES,
            hmac_secret=self.hmac_secret,
            hmac_key_secret=self.hmac_key_secret,
        )
        return challenge.to_dict()

    def widget_context(self, request):
        return {
            "challenge_url": reverse("comments:altcha-challenge"),
            "pbkdf2_worker": static("vendor/altcha/pbkdf2.worker.js"),
        }

    def assets(self):
        # Module scripts, in this order: the French strings (which also create the
        # $altcha registry), our worker registration, then the widget.
        return {
            "stylesheets": [static("vendor/altcha/altcha.css")],
            "scripts": [
                {"src": static("vendor/altcha/i18n-fr-fr.js"), "type": "module"},
                {"src": static("js/comments-altcha.js"), "type": "module"},
                {"src": static("vendor/altcha/altcha.min.js"), "type": "module"},
            ],
        }

    def verify(self, data, sender):
        if payload := data.get("altcha", "").strip():
            return self._verify_proof_of_work(payload)
        if token := data.get("question_token", "").strip():
            return self._verify_answer(token, data.get("question_answer", ""))
        return Verdict.failed(self.name, "captcha_missing")

    def _verify_proof_of_work(self, payload):
        result = altcha.verify_solution(
            payload, self.hmac_secret, hmac_key_secret=self.hmac_key_secret
        )
        if result.expired:
            return Verdict.failed(self.name, "challenge_expired")
        if result.error:
            return Verdict.failed(self.name, "payload_unreadable")
        if result.invalid_signature:
            return Verdict.failed(self.name, "challenge_forged")
        if not result.verified:
            return Verdict.failed(self.name, "wrong_solution")
        challenge = altcha.Payload.from_base64(payload).challenge
        expires_at = datetime.fromtimestamp(challenge.parameters.expires_at, tz=UTC)
        if not spend_once("altcha", challenge.signature, expires_at):
            return Verdict.failed(self.name, "challenge_used")
        return Verdict(self.name, 1.0, [reason("pow_solved")], passed=True)


class RecaptchaProvider(NoScriptQuestion, CaptchaProvider):
    """Google reCAPTCHA v3: the browser gets a token, `siteverify` says what it is worth."""

    name = "recaptcha"
    template_name = "comments/captcha/recaptcha.html"

    def widget_context(self, request):
        return {
            "site_key": settings.COMMENTS_RECAPTCHA_SITE_KEY,
            "action": settings.COMMENTS_RECAPTCHA_ACTION,
        }

    def assets(self):
        site_key = urllib.parse.quote(settings.COMMENTS_RECAPTCHA_SITE_KEY, safe="")
        return {
            "stylesheets": [],
            "scripts": [
                {"src": f"https://www.google.com/recaptcha/api.js?render={site_key}", "type": ""},
                {"src": static("js/comments-recaptcha.js"), "type": ""},
            ],
        }

    def expected_hostnames(self, sender):
        return settings.COMMENTS_RECAPTCHA_HOSTNAMES or [sender.host]

    def verify(self, data, sender):
        token = data.get("g-recaptcha-response", "").strip()
        if not token:
            if question_token := data.get("question_token", "").strip():
                return self._verify_answer(question_token, data.get("question_answer", ""))
            return Verdict.failed(self.name, "captcha_missing")
        max_age = settings.COMMENTS_RECAPTCHA_MAX_AGE
        # Google also refuses a second use, but our own record does not depend on it.
        if not spend_once("recaptcha", token, timezone.now() + timedelta(seconds=max_age * 2)):
            return Verdict.failed(self.name, "recaptcha_token_used")
        try:
            answer = self.siteverify(token, sender.ip_address)
        except (OSError, ValueError, http.client.HTTPException) as error:
            # URLError, HTTPError (5xx), timeouts, cut connections and unreadable bodies.
            logger.warning("reCAPTCHA siteverify failed: %r", error)
            return Verdict.provider_unavailable(self.name, f"siteverify: {error}"[:200])
        return self.judge(answer, sender)

    def siteverify(self, token, remote_ip):
        body = urllib.parse.urlencode(
            {
                "secret": settings.COMMENTS_RECAPTCHA_SECRET_KEY,
                "response": token,
                "remoteip": remote_ip,
            }
        ).encode()
        http_request = urllib.request.Request(  # noqa: S310 (the URL is a setting, https by default)
            settings.COMMENTS_RECAPTCHA_VERIFY_URL,
            data=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        timeout = settings.COMMENTS_RECAPTCHA_TIMEOUT
        with urllib.request.urlopen(http_request, timeout=timeout) as response:  # noqa: S310
            answer = json.loads(response.read(64 * 1024))
        if not isinstance(answer, dict) or "success" not in answer:
            raise ValueError("siteverify answered without a verdict")
        return answer

    def judge(self, answer, sender):
        if answer.get("success") is not True:
            codes = answer.get("error-codes") or []
            if not isinstance(codes, list):
                codes = [str(codes)]
            if "timeout-or-duplicate" in codes:
                return Verdict.failed(self.name, "recaptcha_token_expired")
            return Verdict.failed(
                self.name, "recaptcha_refused", codes=", ".join(map(str, codes))[:200]
            )
        try:
            score = float(answer.get("score"))
        except (TypeError, ValueError):
            return Verdict.provider_unavailable(self.name, "siteverify answered without a score")
        score = min(max(score, 0.0), 1.0)
        reasons = [reason("recaptcha_score", score=round(score, 2))]
        if answer.get("action") != settings.COMMENTS_RECAPTCHA_ACTION:
            return Verdict.failed(
                self.name, "recaptcha_wrong_action", value=str(answer.get("action"))[:40]
            )
        if answer.get("hostname") not in self.expected_hostnames(sender):
            return Verdict.failed(
                self.name, "recaptcha_wrong_hostname", value=str(answer.get("hostname"))[:80]
            )
        try:
            solved_at = datetime.fromisoformat(str(answer.get("challenge_ts")))
            if solved_at.tzinfo is None:
                raise ValueError("challenge_ts without a time zone")
        except ValueError:
            return Verdict.failed(self.name, "recaptcha_time_unreadable")
        age = (timezone.now() - solved_at).total_seconds()
        if not -30 <= age <= settings.COMMENTS_RECAPTCHA_MAX_AGE:
            return Verdict.failed(self.name, "recaptcha_stale", seconds=int(age))
        if score < settings.COMMENTS_RECAPTCHA_MIN_SCORE:
            return Verdict(self.name, 0.0, [*reasons, reason("recaptcha_low_score")])
        return Verdict(self.name, score, reasons)


PROVIDERS = {provider.name: provider for provider in (BuiltinProvider, RecaptchaProvider)}


def get_provider():
    """The provider the settings name (read on each call, so tests can switch it)."""
    return PROVIDERS[settings.COMMENTS_CAPTCHA_PROVIDER]()


def reader_parts(request, provider):
    """A reader's own parts of the comment form, for a page rendered for them only
    (templates/comments/reader_parts.html; a cached page fetches them instead:
    comments.views.form_parts): {"captcha": the widget's and the question's context,
    "assets": the provider's stylesheets and scripts, "csrf_token": the reader's token}."""
    return {
        "captcha": provider.widget_context(request) | provider.question_context(),
        "assets": provider.assets(),
        "csrf_token": get_token(request),
    }
