"""Background tasks of the documents app (run by `maillage worker`, one `db_worker` per queue)."""

from django_tasks import task

from .exporting import run_export

QUEUE = "exports"


@task(queue_name=QUEUE)
def export_document(export_id: str) -> None:
    run_export(export_id)
