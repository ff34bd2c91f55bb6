"""The digest's provider of open campaign questionnaires (wired into the digest by the lead at merge)."""

from .mine import open_questionnaires

__all__ = ["open_questionnaires"]
