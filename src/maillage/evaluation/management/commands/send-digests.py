import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.formats import date_format

from maillage.evaluation.digest import period_key, send_digests
from maillage.evaluation.tasks import ensure_scheduled

STATUS = {
    "sent": "envoyé",
    "would send": "à envoyer (essai, rien n'est envoyé)",
    "already sent": "déjà envoyé par une autre exécution",
    "failed": "échec de l'envoi (réessayé à la prochaine exécution)",
}


class Command(BaseCommand):
    help = (
        "Envoie les récapitulatifs dus pour la période en cours aux pilotes d'actions (ceux qui l'ont déjà reçu "
        "n'en reçoivent pas un second). La tâche de fond périodique appelle le même code."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="affiche qui recevrait quoi, sans rien envoyer ni noter"
        )
        parser.add_argument("--date", help="la date du jour à prendre (AAAA-MM-JJ), par défaut aujourd'hui")
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="met en file la tâche quotidienne qui envoie les récapitulatifs (une seule fois suffit)",
        )

    def handle(self, *args, dry_run=False, date=None, schedule=False, **options):
        if schedule:
            when = ensure_scheduled()
            if when is None:
                raise CommandError(
                    "Les tâches de fond ne sont pas gardées en base (MAILLAGE_TASKS_IMMEDIATE=1) : lancez "
                    "« maillage send-digests » depuis le planificateur du système (cron)."
                )
            self.stdout.write(f"Prochain envoi des récapitulatifs : {date_format(when, 'DATETIME_FORMAT')}.")
            return
        try:
            today = datetime.date.fromisoformat(date) if date else None
        except ValueError as error:
            raise CommandError(f"Date invalide : « {date} » (attendu : AAAA-MM-JJ).") from error
        outcomes = send_digests(today=today, dry_run=dry_run)
        for outcome in outcomes:
            user = outcome.user
            self.stdout.write(f"{user.get_username()}\t{user.email}\t{outcome.items}\t{STATUS[outcome.status]}")
        sent = sum(1 for outcome in outcomes if outcome.status in ("sent", "would send"))
        verb = "à envoyer" if dry_run else "envoyé(s)"
        self.stderr.write(f"Période {period_key(today)} : {sent} récapitulatif(s) {verb}.")
