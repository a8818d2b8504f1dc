"""The public portal: one `public` namespace assembled from the public pages of every app
that citizens see, with the portal's home, which combines them.

The portal's pages that everybody reads and nobody has just written — the home, the
receptions calendar, projects, ideas, the shortlist, promises, certificates — read from the
streaming replica when one is usable (core.dbrouter). The forms and what they redirect to
(an appeal's tracking page, an idea just submitted, a vote) stay on the primary. So do the
news pages: they are cached until an item is published, changed or withdrawn, and a page
read from a replica that has not yet seen the change would be cached stale.
"""

from django.contrib.sitemaps.views import sitemap
from django.urls import URLPattern, path

from pervichka.appeals import public_urls as appeals_public
from pervichka.core.dbrouter import replica_reads
from pervichka.ideas import public_urls as ideas_public
from pervichka.media import public_urls as media_public
from pervichka.projects import public_urls as projects_public
from pervichka.promises import public_urls as promises_public
from pervichka.site import portal_views, views
from pervichka.training import public_urls as training_public

ON_REPLICA = frozenset(
    {
        "receptions",
        "projects",
        "project",
        "ideas",
        "shortlist",
        "promises",
        "promise",
        "promise_evidence",
        "verify_certificate",
    }
)


def _reads(patterns: list[URLPattern]) -> list[URLPattern]:
    """The patterns, the heavy public reads among them under `replica_reads`."""
    return [
        URLPattern(p.pattern, replica_reads(p.callback), p.default_args, p.name)
        if p.name in ON_REPLICA
        else p
        for p in patterns
    ]


app_name = "public"
urlpatterns = [
    path("portal/", views.portal_home, name="home"),
    *_reads(
        [
            *appeals_public.urlpatterns,
            *projects_public.urlpatterns,
            *ideas_public.urlpatterns,
            *promises_public.urlpatterns,
            *training_public.urlpatterns,
        ]
    ),
    *media_public.urlpatterns,
    path("primaries/", portal_views.primaries, name="primaries"),
    path("primaries/<int:pk>/", portal_views.primary, name="primary"),
    path("sitemap.xml", sitemap, {"sitemaps": portal_views.SITEMAPS}, name="sitemap"),
]
