from django.urls import path

from jineng.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_new, name="new"),
    path("me/", views.person_me, name="me"),
    path("<int:person_id>/", views.person_detail, name="detail"),
]
