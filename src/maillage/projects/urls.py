from django.urls import path

from . import views

urlpatterns = [
    path("projets/<slug:slug>/", views.dashboard, name="project-dashboard"),
]
