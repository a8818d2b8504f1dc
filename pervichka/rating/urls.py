from django.urls import path

from pervichka.rating import views

app_name = "rating"
urlpatterns = [
    path("", views.home, name="home"),
    path("compute/", views.compute, name="compute"),
    path("districts/", views.rollup, name="rollup"),
    path("runs/<int:pk>/", views.run, name="run"),
    path("runs/<int:pk>/audit/", views.audit, name="audit"),
    path("runs/<int:pk>/<str:action>/", views.run_act, name="run_act"),
    path("audit/<int:pk>/", views.audit_decide, name="audit_decide"),
    path("scores/<int:pk>/", views.score, name="score"),
    path("scores/<int:pk>/object/", views.object_to, name="object"),
    path("objections/<int:pk>/", views.objection, name="objection"),
    path("objections/<int:pk>/evidence/", views.objection_file, name="objection_file"),
    path("methodologies/<int:pk>/", views.methodology, name="methodology"),
    path("methodologies/<int:pk>/adopt/", views.adopt, name="adopt"),
    path("methodologies/<int:pk>/edit/", views.methodology_edit, name="methodology_edit"),
    path("methodologies/<int:pk>/approve/", views.methodology_approve, name="methodology_approve"),
]
