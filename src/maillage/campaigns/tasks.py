"""Background tasks of the campaigns (run by `maillage db_worker`)."""

from django_tasks import task

from . import mailing


@task()
def send_campaign_mails(campaign_id: int, occasion: str, answer_id: int | None = None) -> int:
    return mailing.send(campaign_id, occasion, answer_id)
