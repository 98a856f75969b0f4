"""Alibaba Cloud SMS (阿里云短信服务) through its official SDK, ``alibabacloud-dysmsapi20170525``.

Imported only when ``SMS_BACKEND=aliyun`` (``backends.get_backend``): the SDK takes half a
second to import, which the web and the tests need not pay.
"""

import json

from alibabacloud_dysmsapi20170525 import models as sms_models
from alibabacloud_dysmsapi20170525.client import Client
from alibabacloud_tea_openapi.models import Config
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from petitions.sms.backends import SmsProviderError


def client() -> Client:
    if not (settings.SMS_ACCESS_KEY_ID and settings.SMS_ACCESS_KEY_SECRET):
        raise ImproperlyConfigured("SMS_ACCESS_KEY_ID and SMS_ACCESS_KEY_SECRET are not set.")
    return Client(
        Config(
            access_key_id=settings.SMS_ACCESS_KEY_ID,
            access_key_secret=settings.SMS_ACCESS_KEY_SECRET,
            endpoint=settings.SMS_ENDPOINT,
        )
    )


def send_request(*, phone: str, template_setting: str, params: dict):
    template = getattr(settings, template_setting)
    if not (settings.SMS_SIGN_NAME and template):
        raise ImproperlyConfigured(f"SMS_SIGN_NAME and {template_setting} must be set.")
    return sms_models.SendSmsRequest(
        phone_numbers=phone,
        sign_name=settings.SMS_SIGN_NAME,
        template_code=template,
        template_param=json.dumps(params, ensure_ascii=False, separators=(",", ":")),
    )


class AliyunBackend:
    def send(self, *, phone: str, template_setting: str, params: dict) -> str:
        request = send_request(phone=phone, template_setting=template_setting, params=params)
        response = client().send_sms(request)
        body = response.body
        # The SDK raises on transport and signature errors; a refusal (a template not yet
        # approved, a number over Alibaba's own limits) comes back as a code other than OK.
        if body is None or body.code != "OK":
            code = getattr(body, "code", "") or "no body"
            message = getattr(body, "message", "") or ""
            raise SmsProviderError(f"{code}: {message}")
        return body.biz_id or ""
