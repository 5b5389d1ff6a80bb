from django.urls import path

from jineng.online import views

app_name = "online"

urlpatterns = [
    path("", views.class_list, name="list"),
    path("classes/<int:class_id>/", views.class_detail, name="detail"),
    path("classes/<int:class_id>/checkins/", views.checkins, name="checkins"),
    path("exceptions/", views.exceptions, name="exceptions"),
    path("courses/", views.courses, name="courses"),
    path("courses/<int:course_id>/decide/", views.course_decide, name="course_decide"),
    path("devices/", views.devices, name="devices"),
    path("upload/", views.upload, name="upload"),
    path("me/", views.me, name="me"),
]
