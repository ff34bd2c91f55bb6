from django.urls import path

from . import views

P = "projets/<slug:slug>/"

urlpatterns = [
    path(P + "cadre/", views.framework, name="project-framework"),
    path(P + "cadre/indicateurs/nouveau/", views.indicator_edit, name="framework-indicator-add"),
    path(P + "cadre/indicateurs/<int:indicator_id>/", views.indicator_edit, name="framework-indicator-edit"),
    path(
        P + "cadre/indicateurs/<int:indicator_id>/supprimer/", views.indicator_delete, name="framework-indicator-delete"
    ),
    path(P + "actions/<str:ref>/cadre/", views.action_links, name="action-framework"),
    path(P + "arbre/noeuds/<int:node_id>/cadre/", views.node_links, name="node-framework"),
]
