from django.urls import path

from jineng.vouchers import views

app_name = "vouchers"
urlpatterns = [
    path("", views.voucher_list, name="list"),
    path("mine/", views.voucher_mine, name="mine"),
    path("new/", views.voucher_new, name="new"),
    path("bulk/", views.voucher_bulk, name="bulk"),
    path("bulk/template.xlsx", views.bulk_template, name="bulk_template"),
    path("bind/", views.voucher_bind, name="bind"),
    path("claim/", views.voucher_claim, name="claim"),
    path("<int:voucher_id>/", views.voucher_detail, name="detail"),
    path("<int:voucher_id>/redeem/", views.voucher_redeem, name="redeem"),
    path("<int:voucher_id>/revoke/", views.voucher_revoke, name="revoke"),
]
