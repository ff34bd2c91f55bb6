from django.urls import path

from . import views

urlpatterns = [
    path("bibliotheque/", views.library, name="library"),
    path("bibliotheque/fiches/<int:pk>/", views.library_action, name="library-action"),
    path("bibliotheque/fiches/<int:pk>/reprendre/", views.copy_into, name="library-copy"),
    path("projets/<slug:slug>/partage/", views.share_page, name="library-share"),
]
