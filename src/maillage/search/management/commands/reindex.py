from django.core.management.base import BaseCommand

from maillage.search.indexing import rebuild, reindex_project


class Command(BaseCommand):
    help = (
        "Reconstruit l'index de la recherche à partir des fiches actions, de l'arborescence, des organisations, "
        "des réunions, des décisions et des constats (tous les projets, ou ceux dont on donne l'identifiant). "
        "Utile après une écriture directe en base ; les enregistrements, imports et restaurations le tiennent à jour."
    )

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="identifiants des projets (tous par défaut)")
        parser.add_argument("--database", default="default", help="l'alias de base")

    def handle(self, *args, slugs, database, **options):
        from maillage.projects.models import Project

        if slugs:
            projects = list(Project.objects.using(database).filter(slug__in=slugs))
            unknown = set(slugs) - {project.slug for project in projects}
            if unknown:
                from django.core.management.base import CommandError

                raise CommandError("Projet inconnu : " + ", ".join(sorted(unknown)))
            written = sum(reindex_project(project, using=database) for project in projects)
        else:
            written = rebuild(using=database)
        self.stdout.write(f"Index de recherche : {written} entrées écrites.")
