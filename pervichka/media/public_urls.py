"""The news on the public portal; included into the `public` namespace."""

from django.urls import path

from pervichka.media import public_views

urlpatterns = [
    path("news/", public_views.news_home, name="news"),
    path("news/search/", public_views.news_search, name="news_search"),
    path("news/<int:year>/<int:month>/", public_views.news_archive, name="news_archive"),
    path("news/<int:pk>/", public_views.news_item, name="news_item"),
    path("news/<int:pk>/<str:rendition>.jpg", public_views.news_cover, name="news_cover"),
    path(
        "news/<int:pk>/photos/<int:photo>/<str:rendition>.jpg",
        public_views.news_photo,
        name="news_photo",
    ),
    path("news/feed/<str:scope>/<str:key>/rss/", public_views.news_rss, name="news_rss"),
    path("news/feed/<str:scope>/<str:key>/atom/", public_views.news_atom, name="news_atom"),
]
