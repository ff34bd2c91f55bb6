"""A heartbeat for a job that runs in the worker itself (an export): a thread that writes "still alive"
on the job's row every ``MAILLAGE_JOB_HEARTBEAT_SECONDS``, however long the writer stays between two
progress calls (loading a big plan, laying out one long fiche)."""

import threading
from contextlib import contextmanager

from django.conf import settings
from django.db import connections
from django.utils import timezone


@contextmanager
def beating(queryset, field: str = "heartbeat"):
    """``with beating(Export.objects.filter(pk=pk)):`` — the row's ``field`` stays fresh while the block runs."""
    every = max(1, int(settings.MAILLAGE_JOB_HEARTBEAT_SECONDS))
    stop = threading.Event()

    def beat():
        try:
            while not stop.wait(every):
                queryset.update(**{field: timezone.now()})
        finally:
            connections.close_all()  # this thread's own connections

    thread = threading.Thread(target=beat, name="maillage-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=every + 5)
