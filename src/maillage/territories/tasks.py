"""Background tasks of the territories app (run by `maillage worker`, queue "default")."""

from django_tasks import task

from .locating import run_geocoding


@task()
def geocode_directory(run_id: str) -> None:
    run_geocoding(run_id)
