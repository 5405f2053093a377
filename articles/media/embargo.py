"""Photos under embargo: an uploaded photo and its renditions are served to readers only
once an article they see shows it (articles.newsroom.publishing.is_public_image).

Until then `/media/…` answers 404 to anyone who may not preview such an article, exactly
as for a file that does not exist, so a sequential rendition address tells nothing. The
answer for a path is kept in this process while the page cache's generation stays
(publishing, unpublishing, a scheduled time reached and every content write start a new
one), ANSWER_SECONDS at most, so readers' photos cost no query after the first.

Where the files are, in the media storage (the disk or an S3 bucket, both private to
the portal): an original under `images/…` (its Image row is found by file name),
a rendition or crop under `renditions/<image id>/…` (articles.media.renditions).
"""

import posixpath
import re
import time

from django.conf import settings
from django.http import Http404
from django.utils.cache import add_never_cache_headers, patch_cache_control

from articles.models import Image
from articles.newsroom import publishing
from newsportal import views as site_views
from newsportal.pagecache import LocalPages, generation_token

_RENDITION = re.compile(r"^renditions/(?P<pk>[0-9]{1,10})/")

# {path: (generation, expiry (a timestamp), image id or None, public)} for the most
# recently served paths.
_answers = LocalPages(size=4096)
# An answer is kept this long at most (seconds), even in one generation: a generation
# that does not know the next scheduled publication (after the cache was emptied, say)
# would otherwise keep a scheduled article's photo 404 after it goes live.
ANSWER_SECONDS = 60


def image_id_for_path(path):
    """The id (int) of the Image a media path (a storage name) belongs to, or
    None when no photo owns it (a deleted photo's leftover file, a made-up name)."""
    match = _RENDITION.match(path)
    if match:
        pk = int(match["pk"])
        return pk if Image.objects.filter(pk=pk).exists() else None
    return Image.objects.filter(file=path).values_list("pk", flat=True).first()


def lookup(request, path):
    """(image id or None, public) for a media `path`, kept per page-cache generation."""
    token = generation_token(request)
    now = time.time()
    kept = _answers.get(path)
    if kept is not None and kept[0] == token and kept[1] > now:
        return kept[2], kept[3]
    pk = image_id_for_path(path)
    public = pk is not None and publishing.is_public_image(pk)
    _answers.put(path, (token, now + ANSWER_SECONDS, pk, public))
    return pk, public


def media_file(request, path):
    """Serve an uploaded photo or rendition (newsportal.views.media_file) if the reader
    may see it: public photos to everyone, `public` for shared caches (nginx, a CDN)
    for PAGE_CACHE_SHARED_MAX_AGE seconds; photos under embargo to those who may see
    them before (`publishing.can_see_image`), never stored by a shared cache. Http404
    otherwise, and for a file no photo owns. Whatever the media storage (disk or a
    private S3 bucket), the bytes come from it through newsportal.views.media_file."""
    # The path the file is found at is the one checked: `a/../b` would be checked as a
    # photo and serve another.
    if posixpath.normpath(path) != path:
        raise Http404
    pk, public = lookup(request, path)
    if pk is None:
        raise Http404
    if public:
        # The same for every reader, like a page: a shared cache (the nginx recipe's
        # micro-cache, a CDN) keeps it PAGE_CACHE_SHARED_MAX_AGE at most, so a photo
        # whose article goes offline leaves them as soon as the article's page does;
        # browsers check their copy again (Last-Modified, 304).
        response = site_views.media_file(request, path)
        if response.status_code in (200, 304):  # never a 503 of a store that failed
            patch_cache_control(
                response, public=True, max_age=0, s_maxage=settings.PAGE_CACHE_SHARED_MAX_AGE
            )
        return response
    image = Image.objects.filter(pk=pk).only("uploaded_by").first()
    if image is None or not publishing.can_see_image(request.user, image):
        raise Http404
    response = site_views.media_file(request, path)
    add_never_cache_headers(response)
    response["Cache-Control"] += ", private"
    return response
