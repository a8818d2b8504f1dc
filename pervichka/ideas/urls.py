"""The contest's staff pages, under /projects/ as before ideas was its own app."""

from django.urls import path

from pervichka.ideas import views

app_name = "ideas"
urlpatterns = [
    path("ideas/", views.ideas, name="ideas"),
    path("ideas/<int:pk>/", views.idea, name="idea"),
    path("contests/<int:contest>/shortlist/", views.shortlist, name="shortlist"),
]
