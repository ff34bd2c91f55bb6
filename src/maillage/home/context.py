"""What every page's layout needs: the site's name and, inside a project, the project's menu."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

SITE = {
    "site_title": "Maillage",
    "site_tagline": gettext_lazy("Le projet social du territoire, vivant et partagé"),
    "header_brand_html": "République<br>française",
    "footer_brand_html": "République<br>française",
}


def layout(request):
    project = getattr(request, "project", None)
    access = getattr(request, "access", None)
    return {"SITE_CONFIG": SITE, "project_menu": project_menu(request, project, access) if project else []}


def project_menu(request, project, access):
    """The project's sections, in the order a coordinator works through them; public visitors get the plan."""

    def url(name):
        return reverse(name, args=[project.slug])

    if access is not None and access.is_partner:
        entries = [(_("Espace partenaire"), url("partner-space"))]
        if project.published:
            entries.append((_("Le plan"), url("public-plan")))
    elif access is not None and access.is_public:
        entries = [
            (_("Le plan"), url("public-plan")),
            (_("Territoires"), url("public-territories")),
            (_("Carte des acteurs"), url("public-partner-map")),
            (_("Documents"), url("project-documents")),
        ]
    else:
        entries = [
            (_("Tableau de bord"), url("project-dashboard")),
            (_("Arborescence"), url("project-tree")),
            (_("Actions"), url("action-list")),
            (_("Indicateurs"), url("indicator-list")),
            (_("Partenaires"), url("partner-directory")),
            (_("Gouvernance"), url("governance")),
            (pgettext("steering", "Pilotage"), url("steering")),
            (_("Diagnostic"), url("diagnostic")),
            (_("Évaluations"), url("campaign-list")),
            (_("Versions"), url("versions")),
            (_("Documents"), url("project-documents")),
        ]
    path = request.path
    best = max((url for _label, url in entries if path.startswith(url)), key=len, default=None)
    return [{"label": label, "url": url, "current": url == best} for label, url in entries]
