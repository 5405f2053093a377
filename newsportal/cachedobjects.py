"""Python objects kept in the shared cache, read so that an upgrade cannot break a page.

The cache (Redis in production) outlives a deployment: an object pickled by the release
before may name a module that has moved, or a model or field that a migration renamed.
Unpickling it then raises (ModuleNotFoundError, AttributeError, LookupError…) on every
page that reads it, until the entry expires. `read()` treats such an entry as absent:
it deletes it, logs it once, and the caller computes the value again.

Keys of objects still carry a version (`…:v2`) to bump when the stored shape changes,
which keeps both releases apart while they run side by side during a deployment.
"""

import logging
import pickle

from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist

logger = logging.getLogger(__name__)

# What unpickling an object of an older release raises: its module or class is gone
# (ImportError, AttributeError), its model is gone (LookupError), a field it names is
# gone, or its state no longer fits the class (TypeError, ValueError, EOFError).
STALE_SHAPE = (
    ImportError,
    AttributeError,
    LookupError,
    FieldDoesNotExist,
    TypeError,
    ValueError,
    EOFError,
    pickle.UnpicklingError,
)


def read(key):
    """The object cached under `key` (a str), or None when it is absent or was stored
    in a shape this release cannot load (the entry is then deleted)."""
    try:
        return cache.get(key)
    except STALE_SHAPE as error:
        logger.warning("cache: %s holds an object this release cannot load (%r)", key, error)
        cache.delete(key)
        return None
