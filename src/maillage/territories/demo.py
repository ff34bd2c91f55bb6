"""The demo's territories and map, offline: the Pays du Gier's communes get their INSEE codes from the
COG, and every demo directory is placed on the map at its communes' centres (no geocoder is called)."""

from .checking import complete_codes
from .locating import locate_directory


def place_demo(projects) -> dict[str, int]:
    """Complete the communes' codes, then place each project's directory offline; returns the number of
    structures placed per project (for the tests and the demo's log)."""
    placed = {}
    for project in projects:
        complete_codes(project)
    for project in projects:
        counts = locate_directory(project, geocoder=None)
        placed[project.slug] = counts.centred + counts.located + counts.kept
    return placed
