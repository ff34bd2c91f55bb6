import sys

from django.core.management.base import BaseCommand

from maillage.jobs.staleness import SWEEP_EVERY, sweep
from maillage.jobs.supervisor import Child, Supervisor

# One db_worker per queue, so that an import never waits behind exports (documents/tasks.py,
# imports/tasks.py, webhooks/tasks.py name the queues): a slow webhook receiver holds up neither.
QUEUES = {"imports": "imports", "exports": "exports,default", "webhooks": "webhooks"}


def worker_children(interval: float = 1.0) -> list[Child]:
    return [
        Child(
            f"travailleur « {name} »",
            [
                sys.executable,
                "-m",
                "maillage",
                "db_worker",
                "--queue-name",
                queues,
                "--no-reload",
                "--interval",
                str(interval),
            ],
        )  # fmt: skip
        for name, queues in QUEUES.items()
    ]


class Command(BaseCommand):
    help = (
        "Lance les travailleurs des tâches de fond (un par file : imports, exports, webhooks) et les relance s'ils "
        "s'arrêtent ; marque en échec les imports et exports laissés en cours par un travailleur disparu."
    )

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="secondes entre deux regards sur la file")

    def handle(self, *args, interval, **options):
        def swept():
            counts = sweep()
            for path, count in counts.items():
                if count:
                    self.stderr.write(
                        f"{count} tâche(s) interrompue(s) marquée(s) en échec ({path.rsplit('.', 1)[-1]})."
                    )

        code = Supervisor(
            worker_children(interval), every=swept, every_seconds=SWEEP_EVERY, log=self.stderr.write
        ).run()
        if code:
            sys.exit(code)
