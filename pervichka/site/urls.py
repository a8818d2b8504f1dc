from django.urls import path

from pervichka.site import views

app_name = "site"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics, name="metrics"),
    path("report/", views.monthly_report, name="report"),
    path("help/", views.help_page, name="help"),
]
