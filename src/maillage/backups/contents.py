"""What a backup holds: every concrete model of every installed app (so a new app is covered without a
change here), but the ones listed in ``EXCLUDED`` with the reason."""

from django.apps import apps as installed_apps

FORMAT = "maillage/backup@1"

EXCLUDED = {
    "django_tasks_db.dbtaskresult": (
        "la file des tâches de fond : une tâche en cours n'a pas de sens sur une autre base ; les imports et "
        "exports eux-mêmes sont sauvegardés, une lecture ou une écriture inachevée se relance"
    ),
    "sessions.session": (
        "les sessions ouvertes : se reconnecter suffit, et une sauvegarde volée ne doit pas rouvrir les "
        "sessions de chacun"
    ),
}


def label(model) -> str:
    return model._meta.label_lower


def backed_up_models(apps=installed_apps) -> list:
    """Concrete, managed models (many-to-many tables included), in a stable order."""
    models = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and label(model) not in EXCLUDED
    ]
    return sorted(models, key=label)
