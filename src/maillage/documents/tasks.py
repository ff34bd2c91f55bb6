"""Background tasks of the documents app (run by `maillage db_worker`)."""

from django_tasks import task

from .exporting import run_export


@task()
def export_document(export_id: str) -> None:
    run_export(export_id)
