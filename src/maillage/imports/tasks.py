"""The background task that reads an uploaded file (a 200-page PDF takes a while: the page polls).

Imports have a queue of their own, with its own worker process (``maillage worker``), so that a person
importing a plan never waits behind exports asked by visitors."""

from django_tasks import task

from .models import ImportRun
from .running import read_run

QUEUE = "imports"


@task(queue_name=QUEUE, priority=10)
def read_import(run_id: int) -> str:
    run = ImportRun.objects.select_related("into").filter(pk=run_id).first()
    if run is None:  # deleted (its author removed) before a worker took it
        return "missing"
    return read_run(run).status
