from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from dsfr.models import DsfrConfig, DsfrSocialMedia

from maillage.home.views import choose_language

admin.site.site_header = _("Maillage — administration")
admin.site.site_title = _("Maillage")
# django-dsfr's site settings are not used (the layout takes its name from home/context.py).
for model in (DsfrConfig, DsfrSocialMedia):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
admin.site.index_title = _("Les projets sociaux de territoire et tout ce qu'ils contiennent")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/setlang/", choose_language, name="set_language"),
    path("", include("maillage.accounts.urls")),
    path("", include("maillage.proconnect.urls")),
    path("", include("maillage.home.urls")),
    path("", include("maillage.publication.urls")),
    path("", include("maillage.projects.urls")),
    path("", include("maillage.actions.urls")),
    path("", include("maillage.evaluation.urls")),
    path("", include("maillage.documents.urls")),
    path("", include("maillage.partners.urls")),
    path("", include("maillage.partners.map_urls")),
    path("", include("maillage.territories.urls")),
    path("", include("maillage.governance.urls")),
    path("", include("maillage.diagnostic.urls")),
    path("", include("maillage.imports.urls")),
    path("", include("maillage.versions.urls")),
    path("", include("maillage.campaigns.urls")),
    path("", include("maillage.frameworks.urls")),
    path("", include("maillage.search.urls")),
    path("", include("maillage.library.urls")),
    path("", include("maillage.webhooks.urls")),
    path("", include("maillage.api.urls")),
]
