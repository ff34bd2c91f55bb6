"""The delivery task (django-tasks, database backend), on its own queue so that a slow receiver never
holds up imports or exports (``maillage worker`` runs one ``db_worker`` for it)."""

from django_tasks import task

from . import delivery

QUEUE = "webhooks"


@task(queue_name=QUEUE)
def deliver(delivery_id: str) -> str:
    return delivery.attempt(delivery_id)
