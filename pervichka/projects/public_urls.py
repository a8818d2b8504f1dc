"""The projects' pages on the public portal; included into the `public` namespace."""

from django.urls import path

from pervichka.projects import public_views

urlpatterns = [
    path("portal/projects/", public_views.projects_home, name="projects"),
    path("portal/projects/<slug:code>/", public_views.project_public, name="project"),
]
