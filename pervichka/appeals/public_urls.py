from django.urls import path

from pervichka.appeals import public_views
from pervichka.appeals.bot import views as bot_views

# Assembled into the one `public` namespace by pervichka.site.public_urls.
urlpatterns = [
    path("appeal/", public_views.submit, name="submit"),
    path("track/", public_views.track, name="track"),
    path("track/<str:code>/", public_views.track_code, name="track_code"),
    path("track/<str:code>/coupon/", public_views.coupon, name="coupon"),
    path("track/<str:code>/rate/", public_views.track_rate, name="track_rate"),
    path("track/<str:code>/reopen/", public_views.track_reopen, name="track_reopen"),
    path("receptions/", public_views.receptions_calendar, name="receptions"),
    # Telegram posts the citizens' bot's updates here (docs/deployment.md).
    path("telegram/webhook/", bot_views.webhook, name="telegram_webhook"),
]
