"""How far a project has mobilised its partners: organisations approached, joined and declined, for the
project as a whole and per body or working group — the « 70 partenaires sur 70 sollicités » of a
concertation, counted in the database whatever the size of the directory."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from .models import Solicitation

Status = Solicitation.Status


@dataclass
class Tally:
    label: str
    approached: int
    joined: int
    declined: int

    @property
    def waiting(self) -> int:
        return self.approached - self.joined - self.declined

    @property
    def sentence(self) -> str:
        """« 70 partenaires ont rejoint sur 70 sollicités » — the figure the dashboard and the annex print."""
        return _("%(joined)s sur %(approached)s sollicités ont rejoint") % {
            "joined": self.joined,
            "approached": self.approached,
        }


def tallies(project) -> tuple[Tally | None, list[Tally]]:
    """(the whole project, one per body), each counted once in one grouped query."""
    rows = (
        Solicitation.objects.filter(project=project)
        .values("body_id", "body__name")
        .annotate(
            approached=Count("pk"),
            joined=Count("pk", filter=Q(status=Status.JOINED)),
            declined=Count("pk", filter=Q(status=Status.DECLINED)),
        )
        .order_by("body__name")
    )
    overall, by_body = None, []
    for row in rows:
        tally = Tally(row["body__name"] or _("Le projet"), row["approached"], row["joined"], row["declined"])
        if row["body_id"] is None:
            overall = tally
        else:
            by_body.append(tally)
    return overall, by_body


def headline(project, counted: tuple | None = None) -> Tally | None:
    """The project's figure: its own call when there is one, otherwise the distinct organisations
    approached for any of its bodies. ``counted``: the project's :func:`tallies`, when already read."""
    overall, by_body = counted or tallies(project)
    if overall is not None:
        return overall
    if not by_body:
        return None
    solicited = Solicitation.objects.filter(project=project)
    counts = solicited.aggregate(
        approached=Count("organisation", distinct=True),
        joined=Count("organisation", distinct=True, filter=Q(status=Status.JOINED)),
        declined=Count("organisation", distinct=True, filter=Q(status=Status.DECLINED)),
    )
    if not counts["approached"]:
        return None
    return Tally(_("Le projet"), counts["approached"], counts["joined"], counts["declined"])
