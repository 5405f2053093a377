"""Reasons stored as English sentences become codes with their figures (comments.reasons).

A sentence this migration does not know stays as it is: `comments.reasons.describe`
shows such text unchanged, so nothing a moderator could read is lost.
"""

import re

from django.db import migrations

# (pattern of the old sentence, code, the figures and how to read them from the match)
PATTERNS = [
    (r"proof of work solved", "pow_solved", {}),
    (r"question answered without JS", "question_answered", {}),
    (r"captcha missing", "captcha_missing", {}),
    (r"challenge expired", "challenge_expired", {}),
    (r"unreadable payload", "payload_unreadable", {}),
    (r"challenge not signed by us", "challenge_forged", {}),
    (r"wrong solution", "wrong_solution", {}),
    (r"challenge already used", "challenge_used", {}),
    (r"question expired", "question_expired", {}),
    (r"question tampered with", "question_tampered", {}),
    (r"wrong answer to the question", "wrong_answer", {}),
    (r"question already used", "question_used", {}),
    (r"captcha unavailable", "captcha_unavailable", {}),
    (r"siteverify answered without a score", "recaptcha_no_score", {}),
    (r"token already used", "recaptcha_token_used", {}),
    (r"token expired or already used", "recaptcha_token_expired", {}),
    (r"siteverify refused: (?P<codes>.*)", "recaptcha_refused", {"codes": str}),
    (r"(?P<detail>siteverify: .*)", "provider_error", {"detail": str}),
    (r"recaptcha score (?P<score>[\d.]+)", "recaptcha_score", {"score": float}),
    (r"wrong action '?(?P<value>.*?)'?", "recaptcha_wrong_action", {"value": str}),
    (r"wrong hostname '?(?P<value>.*?)'?", "recaptcha_wrong_hostname", {"value": str}),
    (r"challenge time unreadable", "recaptcha_time_unreadable", {}),
    (r"stale challenge \((?P<seconds>-?\d+) s old\)", "recaptcha_stale", {"seconds": int}),
    (r"recaptcha score below threshold", "recaptcha_low_score", {}),
    (r"honeypot filled", "honeypot", {}),
    (r"form stamp missing or forged", "stamp_forged", {}),
    (
        r"submitted too fast \((?P<seconds>\d+) s after the page\)",
        "too_fast",
        {"seconds": int},
    ),
    (r"form too old \((?P<hours>\d+) h\)", "form_too_old", {"hours": int}),
    (r"(?P<count>\d+) link\(s\)", "links", {"count": int}),
    (r"same text posted in the last 24 h", "duplicate", {}),
    (
        r"(?P<count>\d+) recent comments from the same client",
        "recent_posts",
        {"count": int},
    ),
]
COMPILED = [(re.compile(pattern), code, figures) for pattern, code, figures in PATTERNS]


def to_code(sentence):
    """One old sentence as a stored reason dict, or the sentence itself when unknown."""
    if not isinstance(sentence, str):
        return sentence
    for pattern, code, figures in COMPILED:
        if match := pattern.fullmatch(sentence.strip()):
            entry = {"code": code}
            for name, kind in figures.items():
                try:
                    entry[name] = kind(match.group(name))
                except ValueError:
                    return sentence
            return entry
    return sentence


def to_sentence(entry):
    """Back to the English sentence the code replaced (for unapplying the migration)."""
    if not isinstance(entry, dict):
        return entry
    code = entry.get("code")
    simple = {code: pattern for pattern, code, figures in PATTERNS if not figures}
    if code in simple:
        return simple[code].replace("\\", "")
    texts = {
        "recaptcha_refused": "siteverify refused: {codes}",
        "provider_error": "{detail}",
        "recaptcha_score": "recaptcha score {score:.2f}",
        "recaptcha_wrong_action": "wrong action '{value}'",
        "recaptcha_wrong_hostname": "wrong hostname '{value}'",
        "recaptcha_stale": "stale challenge ({seconds} s old)",
        "too_fast": "submitted too fast ({seconds} s after the page)",
        "form_too_old": "form too old ({hours} h)",
        "links": "{count} link(s)",
        "recent_posts": "{count} recent comments from the same client",
    }
    try:
        return texts[code].format(**entry)
    except (KeyError, ValueError):
        return str(entry)


def convert(apps, direction):
    Comment = apps.get_model("comments", "Comment")
    batch = []
    for comment in Comment.objects.only("pk", "reasons").iterator(chunk_size=1000):
        reasons = [direction(entry) for entry in comment.reasons or []]
        if reasons != comment.reasons:
            comment.reasons = reasons
            batch.append(comment)
        if len(batch) >= 1000:
            Comment.objects.bulk_update(batch, ["reasons"])
            batch = []
    if batch:
        Comment.objects.bulk_update(batch, ["reasons"])


def forwards(apps, schema_editor):
    convert(apps, to_code)


def backwards(apps, schema_editor):
    convert(apps, to_sentence)


class Migration(migrations.Migration):
    dependencies = [("comments", "0003_comment_original_text")]

    operations = [migrations.RunPython(forwards, backwards)]
