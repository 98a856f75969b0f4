from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TwoFactorConfig(AppConfig):
    name = "liaison.two_factor"
    label = "two_factor"
    verbose_name = _("Two-factor sign-in")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        # Imported here: the services read models, which exist only once apps are ready.
        from liaison.two_factor.services import remember_requirement

        user_logged_in.connect(remember_requirement, dispatch_uid="two_factor_requirement")
