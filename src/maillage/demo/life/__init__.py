"""The demo's one fictitious project, Val-de-Lisière: a plan in life over three years (issue 10).

Its title and description say it is fictitious. The static part — the plan as adopted in January
2024 — is the interchange document ``val-de-lisiere.json``; its life (versions, COPIL decisions
applied, indicator values, evaluation campaigns and their answers) is played by :mod:`.story`
through the functions the screens call, each step dated on its own day (:mod:`.clock`). The seed
documents of ``demo/data`` stay apart: ``demo_documents()`` does not list this one.
"""

from .story import SLUG, life_accounts, load_life

__all__ = ["SLUG", "life_accounts", "load_life"]
