from django.apps import AppConfig


class ServerConfig(AppConfig):
    name = "maillage.server"
    verbose_name = "Serveur de production"
