from django.urls import path

from jineng.signoffs import views

app_name = "signoffs"
urlpatterns = [path("classes/<int:class_id>/", views.class_signoffs, name="class")]
