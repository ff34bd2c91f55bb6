"""What a server checks before it serves: outside DEBUG, a real secret key and named hosts.

``maillage.wsgi`` (so ``runserver``, gunicorn and ``maillage serve``) calls ``refuse_unsafe_settings``
before it builds the application; ``maillage check --deploy`` reports the same problems as errors.
Commands that do not serve (export, import, backup…) are not stopped: a laptop needs no configuration.
"""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured


def unsafe_settings() -> list[str]:
    """What would make a server outside DEBUG unsafe, in French; empty when it may start."""
    if settings.DEBUG:
        return []
    problems = []
    if not settings.SECRET_KEY or settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY:
        problems.append(
            "DJANGO_SECRET_KEY n'est pas défini : la clé de développement, publique, signerait les sessions. "
            'Tirez une clé (python -c "import secrets; print(secrets.token_urlsafe(50))") et passez-la '
            "dans DJANGO_SECRET_KEY."
        )
    if not settings.ALLOWED_HOSTS:
        problems.append(
            "DJANGO_ALLOWED_HOSTS n'est pas défini : nommez le ou les noms d'hôte servis, séparés par des "
            "virgules (plan.example.fr,www.plan.example.fr)."
        )
    return problems


def refuse_unsafe_settings() -> None:
    problems = unsafe_settings()
    if problems:
        raise ImproperlyConfigured(
            "Maillage refuse de servir hors du mode DEBUG :\n- " + "\n- ".join(problems) + "\n(docs/deployment.md)"
        )


@checks.register(checks.Tags.security, deploy=True)
def check_production_settings(app_configs=None, **kwargs):
    return [checks.Error(problem, id="maillage.E001") for problem in unsafe_settings()]
