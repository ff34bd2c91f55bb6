"""The background task that reads an uploaded file (a 200-page PDF takes a while: the page polls)."""

from django_tasks import task

from .models import ImportRun
from .running import read_run


@task()
def read_import(run_id: int) -> str:
    run = ImportRun.objects.select_related("into").get(pk=run_id)
    return read_run(run).status
