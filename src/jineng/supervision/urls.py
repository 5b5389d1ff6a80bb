from django.urls import path

from jineng.supervision import views

app_name = "supervision"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("today/", views.today_page, name="today"),
    path("classes/<int:class_id>/", views.class_detail, name="detail"),
    path("classes/<int:class_id>/open/", views.open_class, name="open"),
    path("classes/<int:class_id>/inspect/", views.inspect_class, name="inspect"),
]
