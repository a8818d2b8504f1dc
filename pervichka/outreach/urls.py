from django.urls import path

from pervichka.outreach import mailing_views, poster_views, views

app_name = "outreach"
urlpatterns = [
    path("", views.segments, name="segments"),
    path("segments/new/", views.segment_new, name="segment_new"),
    path("segments/<int:pk>/", views.segment, name="segment"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting, name="meeting"),
    path(
        "meetings/<int:pk>/questions/<int:question>/appeal/",
        views.question_to_appeal,
        name="question_to_appeal",
    ),
    path("people/<int:pk>/categories/", views.person_categories, name="person_categories"),
    # Mailings (outreach.mailings) and the SMS gateway's inbound webhook (public, secret).
    path("mailings/", mailing_views.mailing_list, name="mailings"),
    path("mailings/new/", mailing_views.mailing_new, name="mailing_new"),
    path("mailings/<int:pk>/", mailing_views.mailing, name="mailing"),
    path("mailings/<int:pk>/log/", mailing_views.mailing_log, name="mailing_log"),
    path("sms/inbound/", mailing_views.sms_inbound, name="sms_inbound"),
]

# Field receptions announced (outreach/announcements.py).
urlpatterns += [
    path("receptions/", poster_views.receptions, name="receptions"),
    path(
        "receptions/<int:pk>/poster/<int:primary>/",
        poster_views.reception_poster,
        name="reception_poster",
    ),
]
