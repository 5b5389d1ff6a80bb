from django.urls import path

from jineng.certificates import views

app_name = "certificates"
urlpatterns = [
    path("", views.certificate_list, name="list"),
    path("check/", views.certificate_check_page, name="check"),
    path("import/", views.certificate_import, name="import"),
    path("template/", views.certificate_template, name="template"),
    path("<int:certificate_id>/", views.certificate_detail, name="detail"),
]
