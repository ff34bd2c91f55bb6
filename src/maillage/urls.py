from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

admin.site.site_header = _("Maillage — administration")
admin.site.site_title = _("Maillage")
admin.site.index_title = _("Les projets sociaux de territoire et tout ce qu'ils contiennent")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("maillage.documents.urls")),
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
]

urlpatterns += [path("i18n/", include("django.conf.urls.i18n"))]
