"""Static files as production serves them: minified, hashed, compressed.

`MinifiedStaticFilesStorage` is whitenoise's CompressedManifestStaticFilesStorage (hashed
names, a year of browser cache, gzip and brotli copies) that also minifies the
project's own stylesheets and scripts (`css/*.css`, `js/*.js` of static/) when
collectstatic copies them: comments and spaces out, with rcssmin and rjsmin, two small
minifiers that only remove what the browser ignores (no renaming, no rewriting). The
figures are in docs/benchmarks.md (« Page weight »): on the light article page, whose
budget is 15 KB, the comments of site.css and of the scripts cost about 2 KB gzipped.

Files already minified (`*.min.css`, `*.min.js`) and other apps' files (Django's admin,
under `admin/`) are copied as they are. The source files in static/ stay readable, and
development (DEBUG, finders) serves them unminified.
"""

import rcssmin
import rjsmin
from django.core.files.base import ContentFile
from whitenoise.storage import CompressedManifestStaticFilesStorage

# The project's own folders of static/ (STATICFILES_DIRS), never another app's.
OWN_FOLDERS = ("css/", "js/")


def minifiable(name):
    """Whether static file `name` is one of our stylesheets or scripts (OWN_FOLDERS)
    not minified already (`*.min.css`, `*.min.js`)."""
    return (
        name.startswith(OWN_FOLDERS)
        and name.endswith((".css", ".js"))
        and ".min." not in name.rsplit("/", 1)[-1]
    )


def minified(name, text):
    """`text` (str), the content of static file `name`, minified when it is `minifiable`;
    any other file's text as it is."""
    if not minifiable(name):
        return text
    return rcssmin.cssmin(text) if name.endswith(".css") else rjsmin.jsmin(text)


class MinifiedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """CompressedManifestStaticFilesStorage that minifies our CSS and JS as it saves them
    (collectstatic's copy, then the hashed copy: the hash is the minified file's)."""

    def _save(self, name, content):
        if minifiable(name):
            content.seek(0)
            raw = content.read()
            text = raw.decode() if isinstance(raw, bytes) else raw
            content = ContentFile(minified(name, text).encode())
        return super()._save(name, content)
