"""The newsroom's staff pages, under /newsroom/ (/media/ serves uploaded files)."""

from django.urls import path

from pervichka.media import views

app_name = "media"
urlpatterns = [
    path("", views.news, name="news"),
    path("queue/", views.queue, name="queue"),
    path("new/", views.news_new, name="new"),
    path("posts/", views.posts, name="posts"),
    path("posts/reach-import/", views.reach_import, name="reach_import"),
    path("kits/", views.kits, name="kits"),
    path("kits/new/", views.kit_new, name="kit_new"),
    path("kits/<int:pk>/", views.kit, name="kit"),
    path("kits/<int:pk>/use/<int:primary>/", views.kit_use, name="kit_use"),
    path("kits/<int:pk>/picture/<str:rendition>.jpg", views.kit_picture, name="kit_picture"),
    path("partners/", views.partners, name="partners"),
    path("partners/new/", views.partner_new, name="partner_new"),
    path("partners/<int:pk>/", views.partner, name="partner"),
    path("partners/<int:pk>/active/", views.partner_active, name="partner_active"),
    path("partners/<int:pk>/news/", views.partner_news_add, name="partner_news_add"),
    path("partners/news/<int:pk>/remove/", views.partner_news_remove, name="partner_news_remove"),
    path("<int:pk>/", views.item, name="item"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/cover/<str:rendition>.jpg", views.cover, name="cover"),
    path("<int:pk>/telegram/", views.telegram_post, name="telegram"),
    path("<int:pk>/cover/people/", views.cover_people, name="cover_people"),
    path("<int:pk>/photos/add/", views.photo_add, name="photo_add"),
    path("<int:pk>/photos/<int:photo>/", views.photo_edit, name="photo_edit"),
    path("<int:pk>/photos/<int:photo>/remove/", views.photo_remove, name="photo_remove"),
    path("<int:pk>/photos/<int:photo>/<str:rendition>.jpg", views.photo_image, name="photo_image"),
    path("<int:pk>/<str:action>/", views.act, name="act"),
]
