from django.urls import path

from . import views

urlpatterns = [
    path("projets/<slug:slug>/indicateurs/", views.indicator_list, name="indicator-list"),
    path("projets/<slug:slug>/indicateurs/<int:pk>/", views.indicator_detail, name="indicator-detail"),
    path("projets/<slug:slug>/indicateurs/<int:pk>/valeurs/nouvelle/", views.value_add, name="indicator-value-add"),
    path("projets/<slug:slug>/actions/<str:ref>/mise-a-jour/", views.quick_update, name="action-quick-update"),
]
