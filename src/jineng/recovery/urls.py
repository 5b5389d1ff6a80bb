from django.urls import path

from jineng.recovery import views

app_name = "recovery"
urlpatterns = [
    path("", views.wrong_list, name="list"),
    path("new/<int:claim_id>/", views.wrong_new, name="new"),
    path("<int:wp_id>/", views.wrong_detail, name="detail"),
    path("<int:wp_id>/refund/", views.refund, name="refund"),
    path("<int:wp_id>/case/notice/", views.case_notice, name="case_notice"),
    path("<int:wp_id>/case/close/", views.case_close, name="case_close"),
    path("blacklist/", views.blacklist, name="blacklist"),
    path("report/", views.report_page, name="report"),
]
