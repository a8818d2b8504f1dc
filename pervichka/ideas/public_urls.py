"""The contest's pages on the public portal; included into the `public` namespace."""

from django.urls import path

from pervichka.ideas import public_views

urlpatterns = [
    path("ideas/", public_views.ideas, name="ideas"),
    path("ideas/new/", public_views.idea_submit, name="idea_submit"),
    path("ideas/shortlist/<int:contest>/", public_views.shortlist_public, name="shortlist"),
    path("ideas/<str:code>/", public_views.idea_public, name="idea"),
    path("ideas/<str:code>/vote/", public_views.idea_vote, name="idea_vote"),
    path(
        "ideas/<str:code>/vote/confirm/", public_views.idea_vote_confirm, name="idea_vote_confirm"
    ),
]
