import signal
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand

from maillage.demo.loading import ensure_demo_accounts, load_demo
from maillage.evaluation.tasks import ensure_scheduled


class Command(BaseCommand):
    help = (
        "Prépare la base embarquée, charge les projets de démonstration et sert l'application sur "
        "http://127.0.0.1:8000 en affichant les comptes de démonstration."
    )

    def add_arguments(self, parser):
        parser.add_argument("--addrport", default="127.0.0.1:8000", help="adresse et port d'écoute")
        parser.add_argument("--no-serve", action="store_true", help="prépare la base sans lancer le serveur")
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="ne lance pas le travailleur des tâches de fond (exports longs : « maillage db_worker »)",
        )

    def handle(self, *args, addrport, no_serve, no_worker=False, **options):
        call_command("migrate", interactive=False, verbosity=0)
        projects = load_demo()
        accounts = ensure_demo_accounts()
        self.stdout.write(self.style.SUCCESS(f"{len(projects)} projets de démonstration chargés."))
        self.stdout.write(f"Maillage : http://{addrport}/  (administration : http://{addrport}/admin/)")
        self.stdout.write("Comptes de démonstration :")
        width = max(len(account.username) for account in accounts)
        for account in accounts:
            self.stdout.write(f"  {account.username:<{width}}  mot de passe : {account.password}  — {account.role}")
        if no_serve:
            return
        # Long exports are background tasks: a worker runs beside the server and stops with it.
        worker = None if no_worker else subprocess.Popen([sys.executable, "-m", "maillage", "db_worker", "--no-reload"])
        if worker:
            self.stdout.write(f"Travailleur des tâches de fond lancé (processus {worker.pid}).")
            ensure_scheduled()  # the daily digest job (maillage.evaluation.tasks), queued once
            # Stopped by a TERM signal too (not only Ctrl-C), the worker is stopped with the server.
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            call_command("runserver", addrport, use_reloader=False)
        finally:
            if worker:
                worker.terminate()
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()
