from django.urls import path

from pervichka.training import views

app_name = "training"
urlpatterns = [
    path("", views.home, name="home"),
    path("cohorts/new/", views.cohort_new, name="cohort_new"),
    path("courses/", views.courses, name="courses"),
    path("courses/new/", views.course_edit, name="course_new"),
    path("courses/<int:pk>/edit/", views.course_edit, name="course_edit"),
    path("cohorts/<int:pk>/", views.cohort, name="cohort"),
    path("cohorts/<int:pk>/trainers/", views.cohort_trainers, name="cohort_trainers"),
    path("cohorts/<int:pk>/<str:action>/", views.cohort_act, name="cohort_act"),
    path("sessions/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("coverage/", views.coverage, name="coverage"),
    path("modules/<int:pk>/material/", views.module_material, name="material"),
    path("certificates/<str:code>/", views.certificate, name="certificate"),
]
