from django.urls import path

from jineng.workcal import views

app_name = "workcal"
urlpatterns = [
    path("", views.index, name="index"),
    path("compute/", views.compute, name="compute"),
    path("years/new/", views.year_new, name="year_new"),
]
