from django.urls import path

from jineng.regions import views

app_name = "regions"
urlpatterns = [
    path("", views.region_list, name="list"),
    path("departments/", views.department_list, name="departments"),
    path("profiles/", views.profile_list, name="profiles"),
    path("profiles/in-force/", views.profiles_in_force, name="profiles_in_force"),
]
