"""The public portal: one `public` namespace assembled from the public pages of every app
that citizens see, with the portal's home, which combines them."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from pervichka.appeals import public_urls as appeals_public
from pervichka.ideas import public_urls as ideas_public
from pervichka.media import public_urls as media_public
from pervichka.projects import public_urls as projects_public
from pervichka.promises import public_urls as promises_public
from pervichka.site import portal_views, views
from pervichka.training import public_urls as training_public

app_name = "public"
urlpatterns = [
    path("portal/", views.portal_home, name="home"),
    *appeals_public.urlpatterns,
    *projects_public.urlpatterns,
    *ideas_public.urlpatterns,
    *promises_public.urlpatterns,
    *training_public.urlpatterns,
    *media_public.urlpatterns,
    path("primaries/", portal_views.primaries, name="primaries"),
    path("primaries/<int:pk>/", portal_views.primary, name="primary"),
    path("sitemap.xml", sitemap, {"sitemaps": portal_views.SITEMAPS}, name="sitemap"),
]
