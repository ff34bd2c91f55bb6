"""The spreadsheet import in one call: file → (draft document, report); bad files raise UnreadableFile."""

from pathlib import Path

from .drafting import Report, build_draft
from .reading import SPREADSHEET_EXTENSIONS, read_sheets


def is_spreadsheet(path) -> bool:
    return Path(str(path)).suffix.lower() in SPREADSHEET_EXTENSIONS


def read_spreadsheet(
    path, *, slug: str, title: str, labels: dict | None = None, name: str | None = None
) -> tuple[dict, Report]:
    """``name``: the person's file name, shown in messages (the path may be a temporary copy)."""
    return build_draft(read_sheets(Path(path), name=name), slug=slug, title=title, labels=labels)
