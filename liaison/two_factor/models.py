from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice


class SecondFactor(TOTPDevice):
    """django-otp's authenticator device under a name staff read, in the administration's
    list where county staff reset a lost phone's second factor (admin.py). No table."""

    class Meta:
        proxy = True
        verbose_name = _("second factor")
        verbose_name_plural = _("second factors")
