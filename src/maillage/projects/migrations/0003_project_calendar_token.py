"""A secret calendar token per project; existing projects each get their own, then the column turns unique."""

import secrets

from django.db import migrations, models

import maillage.projects.models


def give_every_project_a_token(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    for project in Project.objects.filter(calendar_token=""):
        project.calendar_token = secrets.token_urlsafe(24)
        project.save(update_fields=["calendar_token"])


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0002_cross_app_links'),
    ]

    operations = [
        migrations.AddField(
            model_name='project',
            name='calendar_token',
            field=models.CharField(default='', editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(give_every_project_a_token, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='project',
            name='calendar_token',
            field=models.CharField(default=maillage.projects.models.new_calendar_token, editable=False, help_text="Secret de l'adresse d'abonnement au calendrier (maillage calendar-url).", max_length=64, unique=True, verbose_name='jeton du calendrier'),
        ),
    ]
