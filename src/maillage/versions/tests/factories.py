"""Versions for tests: a snapshot of the factory's project as it is when the version is built."""

import datetime

import factory

from maillage.interchange.exporting import export_project
from maillage.projects.tests.factories import ProjectFactory
from maillage.versions.models import Version


class VersionFactory(factory.django.DjangoModelFactory):
    """``VersionFactory(project=p)`` stores p's interchange document as it is now; ``adopted=True`` with a
    deliberation; ``document=...`` to store a given document instead."""

    class Meta:
        model = Version
        exclude = ["adopted"]

    project = factory.SubFactory(ProjectFactory)
    label = factory.Sequence(lambda n: f"Version n° {n}")
    kind = Version.Kind.MANUAL
    adopted = False
    state = factory.LazyAttribute(lambda o: Version.State.ADOPTED if o.adopted else Version.State.DRAFT)
    date = factory.LazyFunction(lambda: datetime.date(2024, 1, 15))
    deliberation_date = factory.LazyAttribute(lambda o: o.date if o.adopted else None)
    deliberation_reference = factory.LazyAttribute(lambda o: "Délibération n° 2024-001" if o.adopted else "")
    taken_by_name = "Test"

    @classmethod
    def _create(cls, model_class, *args, document=None, **kwargs):
        version = model_class(*args, **kwargs)
        if not version.is_open_update:
            version.store(document if document is not None else export_project(version.project))
        version.save()
        return version
