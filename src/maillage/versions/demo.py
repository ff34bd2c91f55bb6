"""The demo's two-state projects: where a seed gives the plan before and after a change, both versions.

Each "after" version is the live demo project as loaded (the seed's own state); each "before" version
is that same document with what the seed says was added taken out (docs/demo.md gives the reading).
Built from the export of the live project each time the demo loads, so they never drift from it, and
replaced with the project (the import deletes a project's versions with it): loading twice gives the
same versions.
"""

import copy
import datetime

from maillage.interchange.exporting import export_project
from maillage.interchange.validation import check
from maillage.projects.models import Project

from .models import Version
from .taking import take_version

DEMO_AUTHOR = "Démonstration (d'après le document source)"

VILLEURBANNE = "lyon-pst-villeurbanne"
# The three axes the partner plenary of 30 June 2023 added (seed 002), with their seven actions.
VILLEURBANNE_NEW_AXES = [
    "Renforcement des réponses en santé mentale par une meilleure appropriation des 1er gestes de secours "
    "par les professionnels",
    "Favoriser la mobilité des usagers",
    "Parentalité",
]
GENAS = "genas-pset-2"


def _without_actions(document: dict, refs: set[str]) -> dict:
    """The document without these actions (and their sub-actions), nor any reference to them."""
    doc = copy.deepcopy(document)
    refs = set(refs)
    grew = True
    while grew:  # sub-actions of removed actions go too
        more = {a["ref"] for a in doc["actions"] if a.get("parent") in refs} - refs
        refs |= more
        grew = bool(more)
    doc["actions"] = [a for a in doc["actions"] if a["ref"] not in refs]

    def prune(nodes):
        for node in nodes:
            node["actions"] = [ref for ref in node.get("actions", []) if ref not in refs]
            prune(node.get("children", []))

    prune(doc["nodes"])
    for programme in doc.get("programmes", []):
        if "actions" in programme:
            programme["actions"] = [ref for ref in programme["actions"] if ref not in refs]
    for meeting in doc.get("meetings", []):
        decisions = []
        for decision in meeting.get("decisions", []):
            kept = [ref for ref in decision.get("actions", []) if ref not in refs]
            if decision.get("actions") and not kept:
                continue  # a decision about the removed actions only: it had not been taken yet
            if "actions" in decision:
                decision["actions"] = kept
                if not kept:
                    del decision["actions"]
            decisions.append(decision)
        if decisions:
            meeting["decisions"] = decisions
        else:
            meeting.pop("decisions", None)
    return doc


def villeurbanne_before(after: dict) -> dict:
    """Villeurbanne's plan before the plenary of 30 June 2023: the 4 first axes and their actions."""
    new_axes = [node for node in after["nodes"] if node["title"] in VILLEURBANNE_NEW_AXES]
    refs = set()
    stack = list(new_axes)
    while stack:
        node = stack.pop()
        refs.update(node.get("actions", []))
        stack.extend(node.get("children", []))
    before = _without_actions(after, refs)
    before["nodes"] = [node for node in before["nodes"] if node["title"] not in VILLEURBANNE_NEW_AXES]
    before["project"]["version"] = "Plan d'action initial : 4 axes"
    before["project"].pop("updated_on", None)
    return before


def genas_adoption(after: dict) -> dict:
    """Genas's PSET II as adopted in 2023, read back from the July 2023 panorama: no "nouvelles" actions
    yet, the "terminées" and "reportées" still to do, the "en continu" ones already continuous."""
    new = {a["ref"] for a in after["actions"] if a["status"] == "planned"}
    before = _without_actions(after, new)
    for action in before["actions"]:
        if action["status"] in ("done", "postponed"):
            action["status"] = "planned"
    labels = before.get("labels", {})
    labels.get("status", {}).pop("planned", None)  # "Nouvelle" is the update's word for its new actions
    if "status" in labels and not labels["status"]:
        del labels["status"]
    if not labels:
        before.pop("labels", None)
    before["project"]["version"] = "PSET II 2023-2025"
    before["project"].pop("updated_on", None)
    return before


def _checked(document: dict, slug: str) -> dict:
    problems = check(document)
    if problems:
        raise ValueError(f"demo version of {slug} is not a valid document: {problems[:3]}")
    return document


def load_demo_versions() -> list[Version]:
    """The demo's versions (Villeurbanne, Genas), replacing any the projects already have."""
    made = []
    villeurbanne = Project.objects.filter(slug=VILLEURBANNE).first()
    if villeurbanne is not None:
        Version.objects.filter(project=villeurbanne).delete()
        after = export_project(villeurbanne)
        before = take_version(
            villeurbanne,
            label="Plan d'action initial : 4 axes",
            kind=Version.Kind.ADOPTION,
            adopted=True,
            date=datetime.date(2021, 4, 1),
            reference="Plénière des partenaires d'avril 2021 (groupes de travail thématiques)",
            body="Plénière partenariale",
            note="Les 4 axes des groupes de travail du PST, avant la plénière du 30 juin 2023.",
            document=_checked(villeurbanne_before(after), VILLEURBANNE),
            taken_by_name=DEMO_AUTHOR,
        )
        made.append(before)
        update = take_version(
            villeurbanne,
            label="Mise à jour des orientations : plénière du 30 juin 2023 (7 axes)",
            kind=Version.Kind.UPDATE,
            adopted=True,
            deliberation_date=datetime.date(2023, 6, 30),
            reference="Plénière partenariale du 30 juin 2023 : 3 nouveaux axes identifiés par les partenaires",
            body="Plénière partenariale",
            note="3 nouveaux axes et leurs 7 actions.",
            document=after,
            taken_by_name=DEMO_AUTHOR,
        )
        Version.objects.filter(pk=update.pk).update(based_on=before)
        made.append(update)
    genas = Project.objects.filter(slug=GENAS).first()
    if genas is not None:
        Version.objects.filter(project=genas).delete()
        after = export_project(genas)
        adoption = take_version(
            genas,
            label="PSET II 2023-2025 : adoption",
            kind=Version.Kind.ADOPTION,
            adopted=True,
            date=datetime.date(2023, 1, 1),
            note="Le plan au début du PSET II, relu à partir du panorama de juillet 2023.",
            document=_checked(genas_adoption(after), GENAS),
            taken_by_name=DEMO_AUTHOR,
        )
        made.append(adoption)
        update = take_version(
            genas,
            label="Mise à jour juillet 2023",
            kind=Version.Kind.UPDATE,
            adopted=True,
            date=datetime.date(2023, 7, 1),
            reference="Mise à jour juillet 2023",
            note="Panorama des actions : terminées, reportées, nouvelles, en continu.",
            document=after,
            taken_by_name=DEMO_AUTHOR,
        )
        Version.objects.filter(pk=update.pk).update(based_on=adoption)
        made.append(update)
    return made
