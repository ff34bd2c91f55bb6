import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from gunicorn import __version__ as gunicorn_version

from maillage.deployment import unsafe_settings
from maillage.jobs.supervisor import Child, Supervisor
from maillage.server.static import collect_if_changed
from maillage.server.workers import DEFAULT_THREADS, default_workers


def gunicorn_command(bind: str, workers: int, threads: int, timeout: int, access_log: bool) -> list[str]:
    """gunicorn serving maillage.wsgi: ``gthread`` workers, recycled after a few thousand requests (a
    leak cannot grow for ever), and a timeout that ends a request stuck beyond it."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "maillage.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--timeout",
        str(timeout),
        "--graceful-timeout",
        "30",
        "--max-requests",
        "5000",
        "--max-requests-jitter",
        "500",
        "--forwarded-allow-ips",
        os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
    ]
    if access_log:
        command += ["--access-logfile", "-"]
    return command


class Command(BaseCommand):
    help = (
        "Sert Maillage en production : gunicorn (processus et fils d'exécution selon les cœurs), fichiers "
        "statiques par WhiteNoise, et les travailleurs des tâches de fond à côté, relancés s'ils s'arrêtent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--bind",
            default=os.environ.get("MAILLAGE_BIND", "127.0.0.1:8000"),
            help="adresse:port d'écoute (MAILLAGE_BIND ; 127.0.0.1:8000)",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("MAILLAGE_WEB_WORKERS") or 0),
            help="processus web (MAILLAGE_WEB_WORKERS ; par défaut 2 × cœurs + 1)",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("MAILLAGE_WEB_THREADS") or 0),
            help=f"fils par processus (MAILLAGE_WEB_THREADS ; {DEFAULT_THREADS})",
        )
        parser.add_argument(
            "--timeout", type=int, default=60, help="secondes au-delà desquelles une requête est coupée"
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="sans les tâches de fond (une autre machine les fait : maillage worker)",
        )
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help="ne recopie pas les fichiers statiques (un déploiement l'a fait)",
        )
        parser.add_argument("--migrate", action="store_true", help="applique les migrations avant de servir")
        parser.add_argument("--access-log", action="store_true", help="écrit chaque requête sur la sortie standard")

    def handle(self, *args, bind, workers, threads, timeout, no_worker, no_collectstatic, migrate, access_log, **o):
        problems = unsafe_settings()
        if problems:
            raise CommandError(
                "Maillage refuse de servir hors du mode DEBUG :\n- " + "\n- ".join(problems) + "\n(docs/deployment.md)"
            )
        if migrate:
            call_command("migrate", interactive=False, verbosity=0)
        if not no_collectstatic and collect_if_changed():
            self.stderr.write(f"Fichiers statiques recopiés dans {settings.STATIC_ROOT}.")
        workers, threads = workers or default_workers(), threads or DEFAULT_THREADS
        children = [Child("serveur web", gunicorn_command(bind, workers, threads, timeout, access_log), essential=True)]
        if not no_worker:
            from maillage.evaluation.tasks import ensure_scheduled

            children.append(Child("tâches de fond", [sys.executable, "-m", "maillage", "worker"]))
            ensure_scheduled()  # the daily digest job, queued once
        self.stderr.write(
            f"Maillage sur http://{bind}/ (gunicorn {gunicorn_version}) : {workers} processus web × {threads} fils"
            + ("" if no_worker else ", tâches de fond à côté")
            + f" ; fichiers statiques dans {settings.STATIC_ROOT}."
        )
        code = Supervisor(children, log=lambda line: self.stderr.write(line)).run()
        if code:
            sys.exit(code)
