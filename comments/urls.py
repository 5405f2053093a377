from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("article/<slug:slug>/commenter/", views.CommentPostView.as_view(), name="post"),
    path("commentaires/altcha/defi/", views.altcha_challenge, name="altcha-challenge"),
]
