from django.urls import path

from pervichka.people import org_views as views

app_name = "orgs"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("<int:pk>/", views.unit_detail, name="detail"),
    path("positions/<int:pk>/end/", views.position_end, name="position_end"),
]
