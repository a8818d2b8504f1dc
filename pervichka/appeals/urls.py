from django.urls import path

from pervichka.appeals import views

app_name = "appeals"
urlpatterns = [
    path("", views.appeal_list, name="list"),
    path("export.xlsx", views.appeal_export, name="export"),
    path("new/", views.appeal_new, name="new"),
    path("person-lookup/", views.person_lookup, name="person_lookup"),
    path("overdue/", views.overdue_report, name="overdue"),
    path("<int:pk>/", views.appeal_detail, name="detail"),
    path("<int:pk>/act/<str:action>/", views.appeal_act, name="act"),
    path("<int:pk>/coupon/", views.appeal_coupon, name="coupon"),
    path("<int:pk>/files/", views.attachments_add, name="attachments_add"),
    path("<int:pk>/files/<str:token>/", views.attachment_download, name="attachment"),
    path("receptions/", views.receptions, name="receptions"),
    path("receptions/new/", views.reception_edit, name="reception_new"),
    path("receptions/<int:pk>/", views.reception_detail, name="reception"),
    path("receptions/<int:pk>/edit/", views.reception_edit, name="reception_edit"),
    path("offices/new/", views.office_edit, name="office_new"),
    path("offices/<int:pk>/edit/", views.office_edit, name="office_edit"),
]
