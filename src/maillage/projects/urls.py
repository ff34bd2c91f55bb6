from django.urls import path

from . import network_views, views

P = "projets/<slug:slug>/"

urlpatterns = [
    # Before the project pattern: "nouveau" is a reserved slug.
    path("projets/nouveau/", views.create, name="project-create"),
    path(P, views.dashboard, name="project-dashboard"),
    path(P + "parametres/", views.settings, name="project-settings"),
    path(P + "parametres/niveaux/", views.levels, name="project-levels"),
    path(P + "parametres/publication/", views.publish, name="project-publish"),
    path(P + "parametres/reseau/", network_views.set_parent, name="project-parent"),
    path(
        P + "parametres/reseau/demandes/<int:request_id>/<str:decision>/",
        network_views.decide_request,
        name="network-request-decide",
    ),
    path(P + "reseau/", network_views.network_rollup, name="project-network"),
    path(P + "parametres/membres/", views.members_view, name="project-members"),
    path(P + "parametres/membres/<int:membership_id>/role/", views.member_role, name="member-role"),
    path(P + "parametres/membres/<int:membership_id>/retirer/", views.member_remove, name="member-remove"),
    path(P + "parametres/membres/<int:membership_id>/fiche/", views.member_person, name="member-person"),
    path(P + "arbre/", views.tree, name="project-tree"),
    path(P + "arbre/ajouter/", views.node_add, name="node-add"),
    path(P + "arbre/noeuds/<int:node_id>/actions/", views.node_actions, name="node-actions"),
    path(P + "arbre/noeuds/<int:node_id>/renommer/", views.node_rename, name="node-rename"),
    path(P + "arbre/noeuds/<int:node_id>/deplacer/", views.node_move, name="node-move"),
    path(P + "arbre/noeuds/<int:node_id>/ordre/", views.node_reorder, name="node-reorder"),
    path(P + "arbre/noeuds/<int:node_id>/supprimer/", views.node_delete, name="node-delete"),
    path(P + "arbre/actions/<int:action_id>/placer/", views.action_place, name="action-place"),
    path(P + "arbre/actions/<int:action_id>/retirer/<int:node_id>/", views.action_unplace, name="action-unplace"),
]
