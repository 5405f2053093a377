"""What the article form's script (static/js/article-form.js) needs, in the reader's
language: the word count's wording, the reading speed, and French names for the
rich-text editor's toolbar, which django-prose-editor writes in English in its
JavaScript (its dialogs are translated by its own catalogue, served with the admin's:
newsportal.urls)."""

from django.utils.translation import gettext_lazy as _

# Words an adult reads silently in a minute. Brysbaert (2019), "How many words do we
# read per minute? A review and meta-analysis of reading rate", Journal of Memory and
# Language 109, 104047: 238 words per minute for non-fiction (English, 190 studies). No
# measured figure for French news exists in that review; we round down to 230.
WORDS_PER_MINUTE = 230

# The toolbar's titles as django-prose-editor 0.28 writes them (buttons' title and
# aria-label, the block-type menu's entries), with the newsroom's words for them.
EDITOR_TOOLBAR = {
    "bold": _("Bold"),
    "italic": _("Italic"),
    "underline": _("Underline"),
    "strike": _("Strikethrough"),
    "subscript": _("Subscript"),
    "superscript": _("Superscript"),
    "paragraph": _("Paragraph"),
    "Paragraph": _("Paragraph"),
    "heading 2": _("Heading 2"),
    "heading 3": _("Heading 3"),
    "heading 4": _("Heading 4"),
    "Heading 2": _("Heading 2"),
    "Heading 3": _("Heading 3"),
    "Heading 4": _("Heading 4"),
    "unordered list": _("Bulleted list"),
    "ordered list": _("Numbered list"),
    "blockquote": _("Quotation"),
    "horizontal rule": _("Horizontal line"),
    "insert link": _("Insert a link"),
    "remove link": _("Remove the link"),
    "undo": _("Undo the last change"),
    "redo": _("Redo the change"),
    "edit HTML": _("Edit the HTML"),
    "figure": _("Image"),
}


def writing_aids():
    """The settings of static/js/article-form.js, for json_script: a dict of lazy
    strings and numbers."""
    return {
        "wordsPerMinute": WORDS_PER_MINUTE,
        # {count} is the number of words, {minutes} the reading time, rounded up.
        "words": {"one": _("{count} word"), "other": _("{count} words")},
        "minutes": {
            "zero": _("nothing to read yet"),
            "one": _("about {minutes} minute of reading"),
            "other": _("about {minutes} minutes of reading"),
        },
        "editorLabel": _("Body of the article (rich-text editor)"),
        "toolbar": EDITOR_TOOLBAR,
    }
