from django.urls import path

from jineng.assessment import views

app_name = "assessment"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("certificates/", views.certificates, name="certificates"),
    path("classes/<int:class_id>/apply/", views.apply, name="apply"),
    path("classes/<int:class_id>/arrange/", views.arrange, name="arrange"),
    path("arrangements/", views.arrangements, name="arrangements"),
    path("<int:assessment_id>/", views.detail, name="detail"),
    path("<int:assessment_id>/template/", views.template, name="template"),
    path("<int:assessment_id>/upload/", views.upload, name="upload"),
    path("<int:assessment_id>/results/", views.results, name="results"),
]
