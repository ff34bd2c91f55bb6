"""The years an indicator may name, in one place: its targets, its measured values, its baseline.

Every path that writes them asks this module — the models' ``clean``, the indicator and value forms
(whose help texts come from here too), :func:`maillage.evaluation.recording.record_value`, and the
interchange document's validation — so that a year accepted on one screen is never refused on
another without a reason the form states.

- **Targets** lie within the plan's period (``first_year``–``last_year``): a plan commits for its
  own years.
- **Values** are measured from the first year of the plan to :data:`FINAL_EVALUATION_YEARS` years
  after its last: the figures of the last year are consolidated during the following year (annual
  reports, the CAF's *bilan*), and the final evaluation, on which the next plan is written and the
  CAF renews its agreement, often slips by one more year when the renewal is deferred. Later
  figures belong to the next plan.
- **Before the first year**, a figure is the indicator's *valeur de départ* (``baseline`` with its
  ``baseline_year``), entered on the indicator itself, not as a measured value. A baseline may be
  measured up to :data:`BASELINE_YEARS_BEFORE` years before the plan (the diagnostic's sources are
  often a census or survey a few years old) and at the latest in the plan's last year (an indicator
  added at the mid-term review starts then).
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

FINAL_EVALUATION_YEARS = 2
BASELINE_YEARS_BEFORE = 10


@dataclass(frozen=True)
class YearRule:
    """The rule for a plan running from ``first`` to ``last`` (both included)."""

    first: int
    last: int

    @classmethod
    def of(cls, project) -> "YearRule":
        return cls(project.first_year, project.last_year)

    # The ranges (inclusive bounds) --------------------------------------------------------------

    @property
    def targets(self) -> tuple[int, int]:
        return self.first, self.last

    @property
    def values(self) -> tuple[int, int]:
        return self.first, self.last + FINAL_EVALUATION_YEARS

    @property
    def baselines(self) -> tuple[int, int]:
        return self.first - BASELINE_YEARS_BEFORE, self.last

    # The refusals, in French; None when the year is accepted -------------------------------------

    def target_problem(self, year: int | None) -> str | None:
        if year is None:
            return None
        if not self.first <= year <= self.last:
            return _("Une cible porte sur une année du plan, de %(first)s à %(last)s.") % {
                "first": self.first,
                "last": self.last,
            }
        return None

    def value_problem(self, year: int | None) -> str | None:
        """``year``: the one the value's period (else its date) names, None when neither names one."""
        if year is None:
            return _(
                "Indiquez l'année dans la période mesurée (« 2024 », « juin 2024 », « 2023-2024 ») "
                "ou la date de la mesure."
            )
        first, last = self.values
        if year < first:
            return _(
                "Une valeur mesurée avant %(first)s, début du plan, est sa valeur de départ : saisissez-la "
                "sur l'indicateur (valeur de départ et son année)."
            ) % {"first": first}
        if year > last:
            return _(
                "Les valeurs sont mesurées jusqu'en %(last)s au plus tard (%(n)s ans après la fin du plan, "
                "%(end)s, pour l'évaluation finale)."
            ) % {"last": last, "end": self.last, "n": FINAL_EVALUATION_YEARS}
        return None

    def baseline_problem(self, year: int | None) -> str | None:
        if year is None:
            return None
        first, last = self.baselines
        if not first <= year <= last:
            return _(
                "L'année de la valeur de départ va de %(first)s (%(n)s ans avant le plan) à %(last)s, "
                "dernière année du plan."
            ) % {"first": first, "last": last, "n": BASELINE_YEARS_BEFORE}
        return None

    # What the forms say --------------------------------------------------------------------------

    def target_help(self) -> str:
        return _("Une année du plan, de %(first)s à %(last)s.") % {"first": self.first, "last": self.last}

    def value_help(self) -> str:
        first, last = self.values
        return _(
            "« 2024 », « fin 2023 », « juin 2024 », « 2023-2024 » : de %(first)s à %(last)s (jusqu'à %(n)s ans "
            "après la fin du plan, pour l'évaluation finale). Avant %(first)s, c'est la valeur de départ de "
            "l'indicateur."
        ) % {"first": first, "last": last, "n": FINAL_EVALUATION_YEARS}

    def baseline_help(self) -> str:
        first, last = self.baselines
        return _("Souvent l'année du diagnostic : de %(first)s à %(last)s.") % {"first": first, "last": last}
