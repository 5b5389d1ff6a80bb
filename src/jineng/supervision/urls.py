from django.urls import path

from jineng.supervision import views

app_name = "supervision"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("today/", views.today_page, name="today"),
    path("classes/<int:class_id>/", views.class_detail, name="detail"),
    path("classes/<int:class_id>/open/", views.open_class, name="open"),
    path("classes/<int:class_id>/inspect/", views.inspect_class, name="inspect"),
    path("classes/<int:class_id>/videos/", views.videos, name="videos"),
    path("classes/<int:class_id>/leaves/", views.leaves, name="leaves"),
    path("leaves/<int:leave_id>/makeup/", views.make_up, name="makeup"),
    path("classes/<int:class_id>/end/", views.end, name="end"),
    path("classes/<int:class_id>/satisfaction/", views.satisfaction, name="satisfaction"),
]
