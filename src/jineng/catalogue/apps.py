from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "jineng.catalogue"
    label = "catalogue"
    verbose_name = "培训目录"
