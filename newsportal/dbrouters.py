"""Reads on a read replica, writes and transactions on the primary (DATABASE_REPLICA_URL).

Django's database router (DATABASE_ROUTERS), on only when DATABASE_REPLICA_URL names a
replica: the settings then add it as the database alias REPLICA, and this router sends

- a read made outside any transaction to the replica;
- a read made inside a transaction on the primary (`transaction.atomic`, which the admin's
  forms, the workflow transitions and every `select_for_update` use) to the primary, so
  that a transaction reads its own writes and locks the rows it is about to change;
- every write, and every migration, to the primary (`default`).

What it does not do: wait for the replica. A read right after a commit sees that commit
only if the replica has applied it, so the primary must commit with
`synchronous_commit = remote_apply` for the replica (docs/deployment.md, "Read
replicas"): otherwise a reader's page rendered from a replica that lags behind would be
stored by the page cache under the new generation, stale until the next change.
"""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

# The replica's alias in DATABASES (newsportal/settings.py adds it).
REPLICA = "replica"


class ReplicaRouter:
    """Route reads outside transactions to REPLICA, everything else to the primary.

    Without a REPLICA alias in DATABASES it expresses no opinion (None), so Django uses
    `default` as it would with no router at all."""

    def db_for_read(self, model, **hints):
        """REPLICA, unless the primary is inside a transaction (then `default`)."""
        if REPLICA not in settings.DATABASES:
            return None
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model, **hints):
        """Always the primary: a replica is read-only."""
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        """The replica holds the same rows as the primary: any relation is allowed."""
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        """Migrations run on the primary only; the replica receives them by replication."""
        return db == DEFAULT_DB_ALIAS
