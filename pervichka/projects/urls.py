from django.urls import path

from pervichka.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.catalog, name="catalog"),
    path("events/", views.events, name="events"),
    path("events/new/", views.event_new, name="event_new"),
    path("events/<int:pk>/", views.event, name="event"),
    path("events/<int:pk>/photos/<int:photo>/", views.event_photo, name="event_photo"),
    path("events/<int:pk>/<str:action>/", views.event_act, name="event_act"),
    path("volunteers/", views.volunteers, name="volunteers"),
    path("volunteers/<int:person>/", views.volunteer, name="volunteer"),
    path("<slug:code>/", views.project, name="project"),
    path("<slug:code>/targets/<int:unit>/", views.target_set, name="target_set"),
    path(
        "<slug:code>/participations/<int:primary>/join/",
        views.participation_join,
        name="participation_join",
    ),
    path(
        "<slug:code>/participations/<int:primary>/leave/",
        views.participation_leave,
        name="participation_leave",
    ),
]
