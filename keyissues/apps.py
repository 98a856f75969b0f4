from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KeyIssuesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "keyissues"
    verbose_name = _("Key issues (热点难点问题)")
