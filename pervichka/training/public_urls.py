"""Certificate verification on the public portal; included into the `public` namespace."""

from django.urls import path

from pervichka.training import views

urlpatterns = [path("certificates/", views.verify, name="verify_certificate")]
