from django.urls import path

from jineng.evalsubsidy import views

app_name = "evalsubsidy"
urlpatterns = [
    path("", views.index, name="index"),
    path("certificates/", views.certificates, name="certificates"),
    path("claims/<int:claim_id>/", views.claim_detail, name="claim"),
    path("claims/<int:claim_id>/submit/", views.submit, name="submit"),
]
