from django.urls import path

from pervichka.deputies import views

app_name = "deputies"
urlpatterns = [
    path("", views.deputies, name="list"),
    path("new/", views.deputy_new, name="new"),
    path("<int:pk>/", views.deputy, name="detail"),
    path("<int:pk>/edit/", views.deputy_edit, name="edit"),
]
