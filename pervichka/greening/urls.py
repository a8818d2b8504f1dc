"""ТазаLike's staff pages, under /projects/plantings/ as before greening was its own app."""

from django.urls import path

from pervichka.greening import views

app_name = "greening"
urlpatterns = [
    path("plantings/", views.plantings, name="plantings"),
    path("plantings/new/", views.planting_new, name="planting_new"),
    path("plantings/<int:pk>/", views.planting, name="planting"),
]
