from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "jineng.certificates"
    label = "certificates"
    verbose_name = "证书登记"
