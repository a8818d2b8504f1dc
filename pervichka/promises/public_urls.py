"""The promise tracker on the public portal; included into the `public` namespace."""

from django.urls import path

from pervichka.promises import public_views

urlpatterns = [
    path("promises/", public_views.tracker, name="promises"),
    path("promises/<int:pk>/", public_views.promise_public, name="promise"),
    path(
        "promises/<int:pk>/evidence/<int:update>/",
        public_views.evidence_public,
        name="promise_evidence",
    ),
]
