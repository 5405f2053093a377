from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("rubrique/<path:path>/", views.CategoryView.as_view(), name="category"),
    path("article/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("apercu/<int:pk>/", views.ArticlePreviewView.as_view(), name="preview"),
    path("tag/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("auteur/<slug:slug>/", views.AuthorView.as_view(), name="author"),
]
