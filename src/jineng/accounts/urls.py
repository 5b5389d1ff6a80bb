from django.urls import path

from jineng.accounts import views

app_name = "accounts"
urlpatterns = [
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("lockouts/", views.lockout_list, name="lockouts"),
    path("lockouts/<int:user_id>/unlock/", views.lockout_unlock, name="lockout_unlock"),
    path("users/", views.user_list, name="users"),
    path("users/<int:user_id>/", views.user_detail, name="user"),
    path("users/<int:user_id>/active/", views.user_active, name="user_active"),
    path("users/<int:user_id>/password/", views.user_password, name="user_password"),
]
