from django.urls import path

from pervichka.dues import views

app_name = "dues"
urlpatterns = [
    path("", views.district_table, name="district"),
    path("primaries/<int:pk>/", views.primary_month, name="primary"),
    path("primaries/<int:pk>/fund/", views.fund_statement, name="fund"),
    path("members/<int:pk>/", views.member_card, name="member"),
    path("members/<int:pk>/pay/", views.payment_new, name="pay"),
    path("payments/<int:pk>/reverse/", views.payment_reverse, name="payment_reverse"),
    path("spending/", views.spending_list, name="spending_list"),
    path("spending/new/", views.spending_new, name="spending_new"),
    path("spending/<int:pk>/", views.spending_detail, name="spending"),
    path("spending/<int:pk>/<str:decision>/", views.spending_decide, name="spending_decide"),
    path("spending/<int:pk>/receipt/upload/", views.spending_receipt, name="spending_receipt"),
    path(
        "spending/<int:pk>/receipt/file/",
        views.spending_receipt_download,
        name="spending_receipt_file",
    ),
    path("statements/", views.statement_upload, name="statements"),
    path("statements/<int:pk>/", views.statement_report, name="statement"),
    path("rates/", views.rates, name="rates"),
]
