from django.urls import path

from . import views

urlpatterns = [
    path("projets/<slug:slug>/calendrier.ics", views.calendar_feed, name="calendar-feed"),
]
