"""Count what a request fetches: rows read from the database and model instances built.

A query count stays flat when one query reads the whole database; the number of rows does not. The
counter wraps the cursors' ``fetch*`` methods (the ORM reads through ``fetchmany``) and listens to
``post_init``, so a page that loads every action of the instance, however few queries it runs, shows it.
"""

from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db.backends import utils
from django.db.models.signals import post_init


@dataclass
class Fetched:
    rows: int = 0
    instances: int = 0
    queries: int = 0
    by_model: dict = field(default_factory=dict)

    def __str__(self):
        top = sorted(self.by_model.items(), key=lambda item: -item[1])[:8]
        models = ", ".join(f"{name}: {count}" for name, count in top)
        return f"{self.rows} rows, {self.instances} instances ({models}), {self.queries} queries"


@contextmanager
def counting():
    """``with counting() as fetched: client.get(url)`` — then read ``fetched.rows`` and ``fetched.instances``."""
    fetched = Fetched()
    originals = {name: getattr(utils.CursorWrapper, name, None) for name in ("fetchone", "fetchmany", "fetchall")}
    original_execute = utils.CursorWrapper.execute

    def fetchone(self):
        with self.db.wrap_database_errors:
            row = self.cursor.fetchone()
        fetched.rows += row is not None
        return row

    def fetchmany(self, *args, **kwargs):
        with self.db.wrap_database_errors:
            rows = self.cursor.fetchmany(*args, **kwargs)
        fetched.rows += len(rows)
        return rows

    def fetchall(self):
        with self.db.wrap_database_errors:
            rows = self.cursor.fetchall()
        fetched.rows += len(rows)
        return rows

    def execute(self, *args, **kwargs):
        fetched.queries += 1
        return original_execute(self, *args, **kwargs)

    def built(sender, **kwargs):
        fetched.instances += 1
        name = sender._meta.label
        fetched.by_model[name] = fetched.by_model.get(name, 0) + 1

    utils.CursorWrapper.fetchone = fetchone
    utils.CursorWrapper.fetchmany = fetchmany
    utils.CursorWrapper.fetchall = fetchall
    utils.CursorWrapper.execute = execute
    post_init.connect(built, weak=False, dispatch_uid="maillage-counting")
    try:
        yield fetched
    finally:
        post_init.disconnect(dispatch_uid="maillage-counting")
        utils.CursorWrapper.execute = original_execute
        for name, method in originals.items():
            if method is None:
                delattr(utils.CursorWrapper, name)
            else:
                setattr(utils.CursorWrapper, name, method)
