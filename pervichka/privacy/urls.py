from django.urls import path

from pervichka.privacy import views

app_name = "privacy"
urlpatterns = [
    path("subjects/", views.subject_search, name="subjects"),
    path("subjects/<int:pk>/", views.subject_detail, name="subject"),
    path("subjects/<int:pk>/export.<str:fmt>", views.subject_export, name="subject_export"),
    path("subjects/<int:pk>/anonymise/", views.subject_anonymise, name="subject_anonymise"),
    path("breaches/", views.breach_list, name="breaches"),
    path("breaches/<int:pk>/", views.breach_detail, name="breach"),
]
