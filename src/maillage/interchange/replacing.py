"""Replacing a project's plan with a document, for its coordinators (the API's ``PUT …/document``).

It is ``import_document(replace=True)`` — the command's ``--replace`` — with what the document does not
hold and the project's people rely on kept: who may work on it (memberships, a partner's organisation by
its key), which directory person is which account (a contributor edits the actions they lead through
that link). A project with versions
or evaluation campaigns is refused: they hang on the project and its actions, and a replace would
delete them.
"""

from django.db import transaction

from maillage.accounts.models import Membership
from maillage.partners.models import Organisation, Person

from .importing import import_document
from .validation import InvalidDocument, Problem, check


class HasHistory(Exception):
    """The project has versions or campaigns, which a replace would delete."""


def replace_plan(project, document: dict):
    """The project replaced by ``document`` in one transaction, or :class:`InvalidDocument` /
    :class:`HasHistory` with nothing changed. The document must describe this project (same slug)."""
    problems = check(document)
    if problems:
        raise InvalidDocument(problems)
    slug = document["project"]["slug"]
    if slug != project.slug:
        raise InvalidDocument(
            [Problem("$.project.slug", f"le document décrit « {slug} », pas le projet « {project.slug} » remplacé.")]
        )
    if project.versions.exists() or project.campaigns.exists():
        raise HasHistory
    with transaction.atomic():
        members = list(Membership.objects.filter(project=project).values_list("user_id", "role", "organisation__key"))
        accounts = dict(Person.objects.filter(project=project, user__isnull=False).values_list("key", "user_id"))
        replaced = import_document(document, replace=True)
        # A partner acts for an organisation of the directory: the same key in the new one (or none).
        organisations = dict(Organisation.objects.filter(project=replaced).values_list("key", "pk"))
        Membership.objects.bulk_create(
            Membership(project=replaced, user_id=user, role=role, organisation_id=organisations.get(key))
            for user, role, key in members
        )
        for key, user in accounts.items():
            Person.objects.filter(project=replaced, key=key).update(user_id=user)
    return replaced
