import os

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog

from config.api import api

admin.site.site_header = _("Pervichka")
admin.site.site_title = _("Pervichka")

# 503 with Retry-After, not 500, when the database is unreachable (a restart).
handler500 = "pervichka.core.middleware.server_error"

urlpatterns = [
    path("", include("pervichka.site.urls")),
    path("accounts/", include("pervichka.accounts.urls")),
    path("orgs/", include("pervichka.people.org_urls")),
    path("members/", include("pervichka.people.urls")),
    path("appeals/", include("pervichka.appeals.urls")),
    path("dues/", include("pervichka.dues.urls")),
    path("youth/", include("pervichka.youth.urls")),
    # Plantings and the contest keep their paths under /projects/; they come before the
    # projects' own patterns, whose /projects/<code>/ would take /projects/ideas/.
    path("projects/", include("pervichka.greening.urls")),
    path("projects/", include("pervichka.ideas.urls")),
    path("projects/", include("pervichka.projects.urls")),
    path("deputies/", include("pervichka.deputies.urls")),
    path("programme/", include("pervichka.promises.urls")),
    path("training/", include("pervichka.training.urls")),
    path("outreach/", include("pervichka.outreach.urls")),
    path("rating/", include("pervichka.rating.urls")),
    path("privacy/", include("pervichka.privacy.urls")),
    path("newsroom/", include("pervichka.media.urls")),
    # The public portal: one namespace for the pages of every app that citizens see.
    path("", include("pervichka.site.public_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

if os.environ.get("PERVICHKA_BENCH") == "1":  # benchmark floors only (bench/views.py)
    from bench.views import durable_write, list_floor, submit_floor

    urlpatterns += [
        path("bench/write", durable_write),
        path("bench/submit-floor", submit_floor),
        path("bench/list-floor/<str:name>", list_floor),
    ]
