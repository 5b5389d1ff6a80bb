from captcha.views import captcha_image
from django.urls import path

from jineng.claims import funduse_views, prepayment_views, views

app_name = "claims"
urlpatterns = [
    path("", views.claim_list, name="list"),
    path("queue/", views.claim_queue, name="queue"),
    path("queue/sign/", views.claim_sign_batch, name="sign_batch"),
    path("new/<int:class_id>/", views.claim_new, name="new"),
    # 申领批处理: large batches by background workers (claims.runs).
    path("runs/", views.run_list, name="runs"),
    path("runs/claim-all/", views.run_claim_all, name="run_claim_all"),
    path("runs/<int:run_id>/", views.run_detail, name="run"),
    path("<int:claim_id>/", views.claim_detail, name="detail"),
    path("<int:claim_id>/submit/", views.claim_submit, name="submit"),
    path("<int:claim_id>/bank/", views.claim_bank, name="bank"),
    path("<int:claim_id>/withdraw/", views.claim_withdraw, name="withdraw"),
    path("<int:claim_id>/review/", views.claim_review, name="review"),
    path("<int:claim_id>/notice/close/", views.notice_close, name="notice_close"),
    path(
        "<int:claim_id>/objections/<int:objection_id>/resolve/",
        views.objection_resolve,
        name="objection_resolve",
    ),
    # F04 prepayment of project-based classes.
    path("prepayments/", prepayment_views.prepayment_list, name="prepayments"),
    path("prepayments/new/<int:class_id>/", prepayment_views.prepayment_new, name="prepayment_new"),
    path("prepayments/<int:prepayment_id>/", prepayment_views.prepayment_detail, name="prepayment"),
    path(
        "prepayments/<int:prepayment_id>/review/",
        prepayment_views.prepayment_review,
        name="prepayment_review",
    ),
    path("prepayments/<int:prepayment_id>/pay/", prepayment_views.prepayment_pay, name="prepayment_pay"),
    path("prepayments/stops/", prepayment_views.project_stop, name="project_stop"),
    path(
        "prepayments/stops/<int:stop_id>/lift/", prepayment_views.project_stop_lift, name="project_stop_lift"
    ),
    path("batches/", views.batch_list, name="batches"),
    path("batches/open/", views.batch_open, name="batch_open"),
    path("batches/<int:batch_id>/", views.batch_detail, name="batch"),
    path("batches/<int:batch_id>/collect/", views.batch_collect, name="batch_collect"),
    path("batches/<int:batch_id>/send/", views.batch_send, name="batch_send"),
    path("batches/<int:batch_id>/pay/", views.batch_pay, name="batch_pay"),
    # Public (F08): no login.
    path("notices/", views.notice_list, name="notices"),
    # Fund use per year (F15): the bureau's report, and the same figures for anyone.
    path("funds/", funduse_views.fund_use, name="fund_use"),
    path("funds/public/", funduse_views.fund_use_public_page, name="fund_use_public"),
    path("notices/<int:claim_id>/", views.notice_detail, name="notice"),
    # 18.11: the objection form's CAPTCHA image, drawn by the product (no outside service).
    path("notices/captcha/<slug:key>/", captcha_image, {"scale": 1}, name="notice_captcha"),
    # 18.12: a trainee's own classes, results and subsidies, and his objection to his own line.
    path("mine/", views.mine, name="mine"),
    path("mine/lines/<int:line_id>/object/", views.mine_object, name="mine_object"),
    # 18.13: a class's record as its document's 申请表, and a batch's 拨付单.
    path("classes/<int:class_id>/print/", views.class_form_print, name="class_print"),
    path("batches/<int:batch_id>/print/", views.batch_print, name="batch_print"),
    # 18.13: the list as posted on a notice board.
    path("notices/<int:claim_id>/print/", views.notice_print, name="notice_print"),
]
