"""Why a comment got its score: stored as codes with their figures, shown translated.

A reason is a small dict kept in `Comment.reasons` (a JSON list): `{"code": "links",
"count": 4}`. The code names the signal or the captcha's verdict; the other keys are
its figures (a count, seconds, hours, a score, a value reported by the provider).
`describe` turns one into a sentence in the active language, so moderators read the
reasons in the admin's language and the stored rows never depend on it.
Rows written before codes existed hold English sentences: migration
`0004_reason_codes` converts them, and `describe` still shows any text it meets as is.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

# code -> the sentence shown to a moderator, with the figures as %(name)s.
SENTENCES = {
    # The builtin captcha and the no-JavaScript question.
    "pow_solved": _("proof of work solved"),
    "question_answered": _("question answered without JavaScript"),
    "captcha_missing": _("captcha missing"),
    "challenge_expired": _("challenge expired"),
    "payload_unreadable": _("unreadable payload"),
    "challenge_forged": _("challenge not signed by us"),
    "wrong_solution": _("wrong solution"),
    "challenge_used": _("challenge already used"),
    "question_expired": _("question expired"),
    "question_tampered": _("question tampered with"),
    "wrong_answer": _("wrong answer to the question"),
    "question_used": _("question already used"),
    # Any provider that could not answer.
    "captcha_unavailable": _("captcha unavailable"),
    "provider_error": _("provider error: %(detail)s"),
    # reCAPTCHA.
    "recaptcha_token_used": _("token already used"),
    "recaptcha_token_expired": _("token expired or already used"),
    "recaptcha_refused": _("siteverify refused: %(codes)s"),
    "recaptcha_no_score": _("siteverify answered without a score"),
    "recaptcha_score": _("recaptcha score %(score).2f"),
    "recaptcha_wrong_action": _("wrong action '%(value)s'"),
    "recaptcha_wrong_hostname": _("wrong hostname '%(value)s'"),
    "recaptcha_time_unreadable": _("challenge time unreadable"),
    "recaptcha_stale": _("stale challenge (%(seconds)d s old)"),
    "recaptcha_low_score": _("recaptcha score below threshold"),
    # The portal's own signals (comments.scoring).
    "honeypot": _("honeypot filled"),
    "stamp_forged": _("form stamp missing or forged"),
    "too_fast": _("submitted too fast (%(seconds)d s after the page)"),
    "form_too_old": _("form too old (%(hours)d h)"),
    "links": ngettext_lazy("%(count)d link", "%(count)d links", "count"),
    "duplicate": _("same text posted in the last 24 h"),
    "recent_posts": ngettext_lazy(
        "%(count)d recent comment from the same client",
        "%(count)d recent comments from the same client",
        "count",
    ),
}


def reason(code, **figures):
    """One stored reason: `{"code": code, **figures}`; KeyError for an unknown code."""
    if code not in SENTENCES:
        raise KeyError(code)
    return {"code": code, **figures}


def code_of(entry):
    """The code of a stored reason ("" for a sentence that predates the codes)."""
    return entry.get("code", "") if isinstance(entry, dict) else ""


def describe(entry):
    """One stored reason as a sentence in the active language (str)."""
    if not isinstance(entry, dict):
        return str(entry)
    sentence = SENTENCES.get(entry.get("code"))
    if sentence is None:
        return str(entry.get("code", entry))
    figures = {key: value for key, value in entry.items() if key != "code"}
    try:
        if "count" in figures:
            return sentence % figures
        return str(sentence) % figures if figures else str(sentence)
    except (KeyError, TypeError, ValueError):
        return str(sentence)


def describe_all(entries):
    """Every reason of a comment, translated, joined with "; " ("–" when there is none)."""
    return "; ".join(describe(entry) for entry in entries or []) or "–"
