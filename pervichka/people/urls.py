from django.urls import path

from pervichka.people import access_views, consent_views, views

app_name = "people"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("export.xlsx", views.member_export, name="export"),
    path("add/", views.member_add, name="add"),
    path("<int:pk>/", views.member_detail, name="detail"),
    path("<int:pk>/edit/", views.member_edit, name="edit"),
    path("<int:pk>/archive/", views.member_archive, name="archive"),
    path("persons/<int:pk>/history/", views.person_history, name="history"),
    path("persons/<int:pk>/consents/", consent_views.consent_add, name="consent_add"),
    path("consents/<int:pk>/withdraw/", consent_views.consent_withdraw, name="consent_withdraw"),
    path("consents/<int:pk>/document/", consent_views.consent_document, name="consent_document"),
    path("access-log/", access_views.access_log, name="access_log"),
    path("transfers/", views.transfers, name="transfers"),
    path("transfers/<int:pk>/<str:decision>/", views.transfer_decide, name="transfer_decide"),
    path("import/", views.member_import, name="import"),
    path("import/template.xlsx", views.member_import_template, name="import_template"),
    path("import/<str:token>/", views.member_import_report, name="import_report"),
    path("import/<str:token>/decide/", views.member_import_decide, name="import_decide"),
    path("import/<str:token>/refused.xlsx", views.member_import_refused, name="import_refused"),
]
