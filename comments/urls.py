from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("article/<slug:slug>/commenter/", views.CommentPostView.as_view(), name="post"),
    path("article/<slug:slug>/commenter/formulaire/", views.form_parts, name="form-parts"),
    path("article/<slug:slug>/commenter/repondre/<int:pk>/", views.reply_page, name="reply"),
    path("commentaires/altcha/defi/", views.altcha_challenge, name="altcha-challenge"),
]
