from django.urls import path

from . import views

P = "projets/<slug:slug>/diagnostic/"
urlpatterns = [
    path(P, views.diagnostic, name="diagnostic"),
    path(P + "chiffres-cles/<int:pk>/valeurs/", views.table_grid, name="tableau-grid"),
]
for part, segment, new in [
    ("tableau", "chiffres-cles", "nouveau"),
    ("constat", "constats", "nouveau"),
    ("consultation", "consultations", "nouvelle"),
    ("enjeu", "enjeux", "nouveau"),
    ("sigle", "sigles", "nouveau"),
]:
    urlpatterns += [
        path(P + f"{segment}/{new}/", views.part_create, {"part": part}, name=f"{part}-create"),
        path(P + f"{segment}/<int:pk>/modifier/", views.part_edit, {"part": part}, name=f"{part}-edit"),
        path(P + f"{segment}/<int:pk>/supprimer/", views.part_delete, {"part": part}, name=f"{part}-delete"),
    ]
