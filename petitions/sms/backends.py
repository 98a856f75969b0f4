"""Where an SMS goes, chosen by ``SMS_BACKEND``: ``console`` (the default, ``make run``)
prints it, ``locmem`` keeps it in ``outbox`` for the tests, ``aliyun`` sends it through
Alibaba Cloud (``aliyun.py``). A backend gets the number, the kind's registered template
code and its parameters, and returns the provider's id of the message or raises."""

import re
import sys
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from liaison.privacy import mask_phone

BACKENDS = {
    "console": "petitions.sms.backends.ConsoleBackend",
    "locmem": "petitions.sms.backends.LocmemBackend",
    "aliyun": "petitions.sms.aliyun.AliyunBackend",
}

# The text of each template as it is registered on the Alibaba Cloud console (README, "SMS"),
# keyed by the template setting's name. Alibaba only allows a link whose domain is written in
# the template (and filed with ICP), so the site's address is fixed there and ``${link}`` is
# the path after it. The console backend renders these to show what a citizen would read.
TEMPLATE_TEXTS = {
    "SMS_TEMPLATE_RECEIVED": "您反映的问题已受理，编号${no}，查看办理进展：{site}/${link}",
    "SMS_TEMPLATE_REPORTED": "您反映的问题（编号${no}）已有办理结果，请查看并评价：{site}/${link}",
    "SMS_TEMPLATE_REMINDER": "您反映的问题（编号${no}）的办理结果尚待您评价，请点击：{site}/${link}",
}


class SmsProviderError(Exception):
    """The provider refused or could not take the message; the outbox retries it."""


@dataclass(frozen=True)
class SentSms:
    phone: str
    template: str
    params: dict
    sign_name: str


def render(template_setting: str, params: dict) -> str:
    text = TEMPLATE_TEXTS[template_setting].replace("{site}", settings.SITE_URL)
    for key, value in params.items():
        text = text.replace("${" + key + "}", str(value))
    return text


# The tracking link's secret in an SMS's ``link`` parameter ("t/<token>/…").
_LINK_TOKEN = re.compile(r"t/[A-Za-z0-9_-]+")


class ConsoleBackend:
    """Prints the message, its number masked and its link's token cut out: the console is
    a log too (journald keeps it, and the link alone opens the concern)."""

    def send(self, *, phone: str, template_setting: str, params: dict) -> str:
        shown = {**params, "link": _LINK_TOKEN.sub("t/…", str(params.get("link", "")))}
        sys.stdout.write(
            f"SMS to {mask_phone(phone)} 【{settings.SMS_SIGN_NAME}】"
            f"{render(template_setting, shown)}\n"
        )
        sys.stdout.flush()
        return "console"


# What the locmem backend "sent", in order; tests empty it. ``failures``: how many of the
# next sends raise SmsProviderError, as a provider that is down would.
outbox: list[SentSms] = []
failures = 0


class LocmemBackend:
    def send(self, *, phone: str, template_setting: str, params: dict) -> str:
        global failures
        if failures > 0:
            failures -= 1
            raise SmsProviderError("isv.BUSINESS_LIMIT_CONTROL: locmem failure")
        outbox.append(
            SentSms(
                phone=phone,
                template=getattr(settings, template_setting),
                params=dict(params),
                sign_name=settings.SMS_SIGN_NAME,
            )
        )
        return f"locmem-{len(outbox)}"


def get_backend():
    path = BACKENDS.get(settings.SMS_BACKEND)
    if path is None:
        raise ImproperlyConfigured(
            f"SMS_BACKEND must be one of {', '.join(BACKENDS)}, not {settings.SMS_BACKEND!r}."
        )
    return import_string(path)()
