"""The interchange document among the produced documents: format ``json``, document ``project``.

Registered like every other writer (``documents.registry``), so that the documents page, its
downloads and ``maillage export --format json`` all find it in one place. Members get the whole
document; a document written for a visitor (``What.public``) is the public profile of what the public
pages show (``publication.opendata``), never the full one.
"""

from maillage.documents.registry import register

from .exporting import export_project, to_json


@register("json", "project")
def write_json(project, what, progress=None) -> bytes:
    if what.public:
        from maillage.publication.opendata import public_plan  # the public pages' rule, versions included

        document = public_plan(project)
    else:
        document = export_project(project)
    if progress:
        progress(1, 1)
    return to_json(document).encode()
