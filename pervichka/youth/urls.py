from django.urls import path

from pervichka.youth import views

app_name = "youth"
urlpatterns = [
    path("", views.registry, name="registry"),
    path("new/", views.young_person_new, name="new"),
    path("followups/", views.followups, name="followups"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("<int:pk>/", views.young_person, name="person"),
    path("<int:pk>/case/", views.case_open, name="case_open"),
    path("cases/<int:pk>/", views.case, name="case"),
    path("cases/<int:pk>/<str:action>/", views.case_act, name="case_act"),
]
