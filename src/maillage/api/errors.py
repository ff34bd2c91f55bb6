"""The API's errors: one stable code per cause, its HTTP status and its French message.

Every error answer is ``{"error": {"code", "message", "details"?}}`` (plus ``current`` for a stale
write): clients branch on ``code``, people read ``message``. The table is the contract (docs/api.md).
"""

from django.utils.translation import gettext_lazy as _

CODES = {
    "authentication_required": (401, _("Cette ressource est réservée aux membres du projet : envoyez un jeton d'API.")),
    "token_invalid": (401, _("Jeton d'API inconnu ou mal formé.")),
    "token_expired": (401, _("Ce jeton d'API a expiré : créez-en un nouveau sur la page « Mon compte ».")),
    "token_revoked": (401, _("Ce jeton d'API a été révoqué.")),
    "read_only_token": (403, _("Ce jeton est en lecture seule : il ne permet aucune modification.")),
    "forbidden": (403, _("Votre rôle dans ce projet ne permet pas cette opération.")),
    "not_found": (404, _("Ressource introuvable.")),
    "method_not_allowed": (405, _("Méthode non permise sur cette ressource.")),
    "plan_has_history": (
        409,
        _(
            "Ce projet a des versions ou des campagnes d'évaluation, qu'un remplacement effacerait : "
            "remplacez-le depuis l'interface ou par la commande d'import."
        ),
    ),
    "plan_under_update": (
        409,
        _(
            "Une mise à jour de ce plan est en préparation : l'API ne montre pas aux visiteurs un plan non "
            "adopté. Sa version adoptée se lit dans les données ouvertes (/plans/<slug>/donnees/plan.json)."
        ),
    ),
    "version_conflict": (
        412,
        _("La ressource a été modifiée depuis votre lecture : relisez-la (son état actuel est joint) puis réessayez."),
    ),
    "invalid_request": (422, _("La requête est invalide : voyez le détail de chaque erreur.")),
    "invalid_document": (422, _("Le document d'échange est invalide : rien n'a été modifié.")),
    "precondition_required": (
        428,
        _("En-tête If-Match obligatoire : renvoyez l'ETag reçu avec la ressource que vous modifiez."),
    ),
    "rate_limited": (429, _("Trop de requêtes : réessayez après le délai indiqué par l'en-tête Retry-After.")),
    "internal_error": (500, _("Erreur interne du serveur : rien n'a été modifié.")),
}


class ApiError(Exception):
    def __init__(self, code: str, *, details=None, current=None, headers=None, message=None):
        super().__init__(code)
        self.code = code
        self.status = CODES[code][0]
        self.message = message
        self.details = details
        self.current = current
        self.headers = headers or {}

    def body(self) -> dict:
        error = {"code": self.code, "message": str(self.message or CODES[self.code][1])}
        if self.details:
            error["details"] = self.details
        body = {"error": error}
        if self.current is not None:
            body["current"] = self.current
        return body


# Pydantic's error types in French (the JSON path says where); others get the generic message.
PYDANTIC_MESSAGES = {
    "missing": _("champ obligatoire"),
    "extra_forbidden": _("champ inconnu"),
    "string_type": _("texte attendu"),
    "string_too_long": _("texte trop long"),
    "int_type": _("nombre entier attendu"),
    "int_parsing": _("nombre entier attendu"),
    "greater_than_equal": _("nombre trop petit"),
    "less_than_equal": _("nombre trop grand"),
    "decimal_parsing": _("nombre attendu"),
    "decimal_type": _("nombre attendu"),
    "float_parsing": _("nombre attendu"),
    "date_from_datetime_parsing": _("date attendue (AAAA-MM-JJ)"),
    "date_parsing": _("date attendue (AAAA-MM-JJ)"),
    "date_type": _("date attendue (AAAA-MM-JJ)"),
    "literal_error": _("valeur non permise"),
    "enum": _("valeur non permise"),
    "dict_type": _("objet JSON attendu"),
    "model_attributes_type": _("objet JSON attendu"),
    "list_type": _("liste attendue"),
    "json_invalid": _("JSON invalide"),
}


def json_path(location) -> str:
    """``("body", "payload", "values", 0, "period")`` → ``$.values[0].period`` (the body's own path)."""
    parts = list(location)
    if parts[:1] == ["body"]:
        parts = parts[2:] if len(parts) > 1 else []
    elif parts[:1] in (["query"], ["path"], ["header"]):
        return f"{parts[0]}:{'.'.join(str(p) for p in parts[1:])}"
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def validation_details(errors) -> list[dict]:
    return [
        {
            "path": json_path(error.get("loc", ())),
            "message": str(PYDANTIC_MESSAGES.get(error.get("type"), _("valeur invalide"))),
        }
        for error in errors
    ]
