from django.urls import path

from pervichka.promises import views

app_name = "promises"
urlpatterns = [
    path("", views.programme, name="list"),
    path("new/", views.promise_new, name="new"),
    path("<int:pk>/", views.promise, name="detail"),
    path("<int:pk>/edit/", views.promise_edit, name="edit"),
    path("<int:pk>/links/", views.promise_link, name="link"),
    path("<int:pk>/evidence/<int:update>/", views.evidence_file, name="evidence"),
]
