from django.urls import path, register_converter

from articles import views
from articles.discovery import feeds

app_name = "articles"

register_converter(feeds.FeedFormatConverter, "feed")

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("recherche/", views.SearchView.as_view(), name="search"),
    path("flux/<feed:fmt>/", feeds.site_feed, name="feed"),
    path("flux/corrections/<feed:fmt>/", feeds.corrections_feed, name="corrections-feed"),
    path("corrections/", views.CorrectionsView.as_view(), name="corrections"),
    path("flux/rubrique/<path:path>/<feed:fmt>/", feeds.section_feed, name="section-feed"),
    path("flux/tag/<slug:slug>/<feed:fmt>/", feeds.tag_feed, name="tag-feed"),
    path("flux/auteur/<slug:slug>/<feed:fmt>/", feeds.author_feed, name="author-feed"),
    path("rubrique/<path:path>/", views.SectionView.as_view(), name="section"),
    path("article/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("apercu/<int:pk>/", views.ArticlePreviewView.as_view(), name="preview"),
    path("tag/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("auteur/<slug:slug>/", views.AuthorView.as_view(), name="author"),
]
