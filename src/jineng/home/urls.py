from django.urls import path

from jineng.home import views

app_name = "home"
urlpatterns = [
    path("", views.index, name="index"),
]
