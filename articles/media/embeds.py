"""Embeds in an article body: the providers we accept and the player address of each.

A journalist pastes the address of a post or a video; the body stores it as
`<figure data-embed="youtube" data-src="https://…">` (articles.content.sanitize admits
only the providers below and an address that matches their pattern). The page never
loads the provider's player by itself: it shows a placeholder and the reader's click
creates the iframe (static/js/embeds.js; the privacy and CSP choices are in
docs/security.md).
"""

import re
from dataclasses import dataclass
from urllib.parse import quote


@dataclass(frozen=True)
class Provider:
    """One embed provider: its name for readers, its address patterns, its player.

    `patterns` match the whole address a journalist pastes (https only) and capture the
    content's identifier as `id`; `player` (a format string with `{id}`, or a callable
    taking the match) gives the iframe's address; `origin` is that address's origin,
    the only one the page's CSP opens (frame-src) for this provider.
    """

    label: str
    patterns: tuple
    player: object
    origin: str
    # Height over width of the player (a video is 16:9; a post is taller).
    ratio: str = "16x9"

    def player_url(self, url):
        """The iframe address for a pasted `url`, or None when it is not this provider's."""
        for pattern in self.patterns:
            if match := pattern.fullmatch(url):
                if callable(self.player):
                    return self.player(match)
                return self.player.format(id=match["id"])
        return None


def _patterns(*regexes):
    return tuple(re.compile(r"https://" + regex, re.IGNORECASE) for regex in regexes)


def _facebook_player(match):
    kind = "video" if "/videos/" in match[0] or "/watch" in match[0] else "post"
    return f"https://www.facebook.com/plugins/{kind}.php?href={quote(match[0], safe='')}"


# The providers in the editor's list (their order is the list's). The key is what
# `data-embed` holds.
PROVIDERS = {
    "youtube": Provider(
        "YouTube",
        _patterns(
            r"(?:www\.|m\.)?youtube\.com/watch\?v=(?P<id>[\w-]{11})(?:&[\w=&%.-]*)?",
            r"(?:www\.)?youtube\.com/(?:shorts|embed|live)/(?P<id>[\w-]{11})(?:\?[\w=&%.-]*)?",
            r"youtu\.be/(?P<id>[\w-]{11})(?:\?[\w=&%.-]*)?",
        ),
        # The no-cookie domain: no cookie before the reader presses play.
        "https://www.youtube-nocookie.com/embed/{id}",
        "https://www.youtube-nocookie.com",
    ),
    "vimeo": Provider(
        "Vimeo",
        _patterns(r"(?:www\.)?vimeo\.com/(?P<id>\d{1,12})/?"),
        "https://player.vimeo.com/video/{id}?dnt=1",
        "https://player.vimeo.com",
    ),
    "dailymotion": Provider(
        "Dailymotion",
        _patterns(
            r"(?:www\.)?dailymotion\.com/video/(?P<id>[a-z0-9]{5,12})/?",
            r"dai\.ly/(?P<id>[a-z0-9]{5,12})/?",
        ),
        "https://www.dailymotion.com/embed/video/{id}",
        "https://www.dailymotion.com",
    ),
    "x": Provider(
        "X (Twitter)",
        _patterns(r"(?:www\.|mobile\.)?(?:x|twitter)\.com/\w{1,15}/status/(?P<id>\d{1,20})/?"),
        "https://platform.twitter.com/embed/Tweet.html?id={id}&dnt=true",
        "https://platform.twitter.com",
        ratio="4x3",
    ),
    "facebook": Provider(
        "Facebook",
        _patterns(
            r"(?:www\.)?facebook\.com/[\w.-]{1,80}/(?:posts|videos)/[\w.-]{1,80}/?",
            r"(?:www\.)?facebook\.com/watch/?\?v=\d{1,20}",
        ),
        _facebook_player,
        "https://www.facebook.com",
        ratio="4x3",
    ),
    "instagram": Provider(
        "Instagram",
        _patterns(r"(?:www\.)?instagram\.com/(?P<kind>p|reel)/(?P<id>[\w-]{5,40})/?"),
        lambda match: f"https://www.instagram.com/{match['kind'].lower()}/{match['id']}/embed/",
        "https://www.instagram.com",
        ratio="1x1",
    ),
    "tiktok": Provider(
        "TikTok",
        _patterns(r"(?:www\.)?tiktok\.com/@[\w.]{1,40}/video/(?P<id>\d{1,25})/?"),
        "https://www.tiktok.com/embed/v2/{id}",
        "https://www.tiktok.com",
        ratio="9x16",
    ),
}


def provider_for(url):
    """The key of the provider whose pattern `url` matches, or None."""
    for key, provider in PROVIDERS.items():
        if provider.player_url(url):
            return key
    return None


def player_url(key, url):
    """The iframe address for provider `key` and the pasted `url`; None when either is
    not one we accept (an unknown provider, an address of another site or shape)."""
    provider = PROVIDERS.get(key)
    return provider.player_url(url) if provider and url else None
