from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Q

from maillage.campaigns.models import Answer, Campaign
from maillage.projects.models import Project


class Command(BaseCommand):
    help = (
        "Liste les campagnes d'évaluation d'un projet, une par ligne, séparées par des tabulations : "
        "numéro, identifiant, type, période évaluée, date limite, état, réponses envoyées / attendues, acceptées."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="identifiant du projet (voir « maillage projects »)")

    def handle(self, *args, slug, **options):
        project = Project.objects.filter(slug=slug).first()
        if project is None:
            raise CommandError(f"Projet « {slug} » introuvable. « maillage projects » liste les projets existants.")
        campaigns = (
            Campaign.objects.filter(project=project)
            .annotate(
                expected=Count("answers"),
                sent=Count("answers", filter=Q(answers__state__in=Answer.SENT)),
                accepted=Count("answers", filter=Q(answers__state=Answer.State.ACCEPTED)),
            )
            .order_by("-first_year", "-pk")
        )
        for campaign in campaigns:
            fields = [
                campaign.pk,
                campaign.key,
                campaign.kind,
                campaign.period_label,
                campaign.due_date.isoformat(),
                campaign.state,
                f"{campaign.sent}/{campaign.expected}",
                campaign.accepted,
            ]
            self.stdout.write("\t".join(str(field) for field in fields))
