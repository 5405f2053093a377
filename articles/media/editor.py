"""The body editor's media blocks (static/js/editor-media.js): their options.

The photo, gallery and embed blocks of django-prose-editor's editor are a custom
extension, MediaBlock (articles.content.sanitize.EDITOR_EXTENSIONS); what they store is
expanded on the page by articles.media.body.
"""

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

# The options of the body editor's MediaBlock extension (static/js/editor-media.js),
# written into the editor's configuration when the form is shown: its addresses and its
# words, translated in the journalist's language ({name}-style fields are filled in by
# the script).
EDITOR_OPTIONS = {
    "pickUrl": reverse_lazy("admin:articles_image_pick"),
    "addUrl": reverse_lazy("admin:articles_image_add"),
    "labels": {
        "photo": _("Insert a photo"),
        "gallery": _("Insert a gallery"),
        "embed": _("Embed a video or a post"),
        "insert": _("Insert"),
        "cancel": _("Cancel"),
        "search": _("Search by alternative text, caption or credit"),
        "library": _("Photos of the media library"),
        "upload": _("Upload a new photo"),
        "none": _("No photo matches."),
        "photoNumber": _("Photo no. {id}"),
        "chosenMany": _("{count} photo(s) chosen"),
        "chosenOne": _("Photo chosen: {name}"),
        "address": _("Address of the content to embed"),
        "providers": _("Accepted providers: {providers}. Readers load it with a click."),
        "recognised": _("{provider} content recognised."),
        "unknown": _("This address is not one of an accepted provider."),
        "embedBlock": _("{provider} content (loaded when the reader clicks): {url}"),
        "galleryBlock": _("Gallery of {count} photos"),
        "photoBlock": _("Photo: {name}"),
    },
}
