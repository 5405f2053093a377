"""Uploads and renditions in a bucket of an S3-compatible store (`MEDIA_STORAGE=s3`).

django-storages' S3Storage does the work (settings.py gives it the bucket, endpoint,
keys and prefix from the environment); the objects are private. What this subclass
changes is the address: `url(name)` is the site's own `MEDIA_URL` address, as on the
disk, so pages, the page cache and the stored rendition lists do not depend on where
the bytes are, and every reader's request reaches the media view, which applies the
embargo (articles.media.embargo) and streams the object (newsportal.views.media_file).
"""

import mimetypes

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage


class S3MediaStorage(S3Storage):
    """S3Storage whose `url()` is the portal's `/media/…` address, never the bucket's."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        """`MEDIA_URL` + `name` (a storage name such as "images/2026/12/….jpg"),
        URL-quoted: the address the media view answers."""
        return f"{settings.MEDIA_URL}{filepath_to_uri(name).lstrip('/')}"

    def get_object_parameters(self, name):
        """The object's parameters on upload: its Content-Type from its name (the
        upload's re-encoded format, e.g. image/webp), never what the uploader's browser
        claimed."""
        parameters = super().get_object_parameters(name)
        parameters.setdefault(
            "ContentType", mimetypes.guess_type(name)[0] or "application/octet-stream"
        )
        return parameters

    def signed_url(self, name, expire=None):
        """A signed address of the object in the bucket itself, valid `expire` seconds
        (S3_URL_EXPIRES by default): for an operator's tools, never for a page."""
        return super().url(name, expire=expire)
