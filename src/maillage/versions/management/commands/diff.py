import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from maillage.projects.models import Project
from maillage.versions.comparing import KIND_LABELS
from maillage.versions.models import Version
from maillage.versions.taking import comparison_of


def _flat(text: str) -> str:
    return " / ".join(text.splitlines()) or "(vide)"


def text_report(comparison) -> str:
    """The differences for a reader: one heading per kind that has some, one line per difference."""
    old, new = comparison.old, comparison.new
    lines = [f"De « {old.label} » ({old.date or ''}) à « {new.label} » ({new.date or ''})"]
    if comparison.empty:
        return "\n".join([*lines, "Aucune différence."])

    def node(e):
        return f"{e['code']} {e['title']}".strip()

    def action(e):
        return f"{e['ref']} {e['title']}"

    formats = {
        "nodes_added": lambda e: f"+ {node(e)}",
        "nodes_removed": lambda e: f"- {node(e)}",
        "nodes_renamed": lambda e: f"~ {e['old_code']} {e['old_title']} → {node(e)}".replace("~  ", "~ "),
        "nodes_moved": lambda e: f"> {node(e)} : {e['from'] or '(racine)'} → {e['to'] or '(racine)'}",
        "actions_added": lambda e: f"+ {action(e)} [{e['status_label']}]",
        "actions_removed": lambda e: f"- {action(e)} [{e['status_label']}]",
        "actions_moved": lambda e: (
            f"> {action(e)} : {' ; '.join(e['from']) or '(hors arborescence)'} → "
            f"{' ; '.join(e['to']) or '(hors arborescence)'}"
        ),
        "refs_changed": lambda e: f"~ {e['old_ref']} → {e['ref']} {e['title']}",
        "status_changes": lambda e: f"* {action(e)} : {e['from_label']} → {e['to_label']}",
        "fields_changed": lambda e: (
            f"* {action(e)} — {e['label']} : « {_flat(e['before'])} » → « {_flat(e['after'])} »"
        ),
    }
    for kind, fmt in formats.items():
        entries = getattr(comparison, kind)
        if entries:
            lines.append("")
            lines.append(f"{KIND_LABELS[kind]} ({len(entries)})")
            lines.extend(fmt(entry) for entry in entries)
    return "\n".join(lines)


class Command(BaseCommand):
    help = (
        "Les différences entre deux versions d'un projet (FROM et TO : identifiants de version, voir "
        "« maillage versions SLUG », ou « current » pour le plan aujourd'hui)."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="identifiant du projet")
        parser.add_argument("old", metavar="FROM", help="version de départ (identifiant ou current)")
        parser.add_argument("new", metavar="TO", help="version d'arrivée (identifiant ou current)")
        parser.add_argument("--format", choices=["json", "text"], default="text", help="json ou text (par défaut)")

    def handle(self, *args, slug, old, new, format, **options):
        project = Project.objects.filter(slug=slug).first()
        if project is None:
            raise CommandError(f"Projet « {slug} » introuvable. « maillage projects » liste les projets existants.")
        with translation.override("fr"):
            try:
                comparison = comparison_of(project, old, new)
            except Version.DoesNotExist as error:
                raise CommandError(
                    f"Version « {error} » introuvable dans le projet « {slug} » : « maillage versions {slug} » "
                    "liste ses versions (ou « current » pour le plan aujourd'hui)."
                ) from error
            if format == "json":
                self.stdout.write(json.dumps(comparison.as_dict(), ensure_ascii=False, indent=2))
            else:
                self.stdout.write(text_report(comparison))
