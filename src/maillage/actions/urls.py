from django.urls import path

from . import views

urlpatterns = [
    path("projets/<slug:slug>/actions/<str:ref>/", views.action_detail, name="action-detail"),
]
