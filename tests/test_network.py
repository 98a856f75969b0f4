"""The client's address behind the configured number of trusted proxies
(liaison/network.py): what axes locks and ratelimit counts by."""

import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.test import RequestFactory

from liaison.network import client_ip, client_network

NGINX = "192.168.0.2"


def _request(remote=NGINX, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


def test_without_a_proxy_it_is_the_connecting_address_whatever_the_header(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request("203.0.113.7")) == "203.0.113.7"
    assert client_ip(_request("203.0.113.7", "198.51.100.9")) == "203.0.113.7"


def test_behind_nginx_it_is_the_address_nginx_appended(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request(forwarded="203.0.113.7")) == "203.0.113.7"


def test_behind_nginx_a_forged_left_most_value_does_not_win(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request(forwarded="1.2.3.4, 203.0.113.7")) == "203.0.113.7"
    assert client_ip(_request(forwarded="1.2.3.4,5.6.7.8 , 203.0.113.7")) == "203.0.113.7"


def test_behind_a_waf_and_nginx_it_is_the_address_the_waf_saw(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    waf = "100.64.0.10"
    assert client_ip(_request(forwarded=f"203.0.113.7, {waf}")) == "203.0.113.7"
    # Not the last hop, which is the WAF's address for every citizen.
    assert client_ip(_request(forwarded=f"1.2.3.4, 203.0.113.7, {waf}")) == "203.0.113.7"


@pytest.mark.parametrize("count", [1, 2])
def test_a_missing_header_gives_the_connecting_address(settings, count):
    settings.TRUSTED_PROXY_COUNT = count
    assert client_ip(_request()) == NGINX
    assert client_ip(_request(forwarded="")) == NGINX
    assert client_ip(_request(forwarded=" , ")) == NGINX


def test_a_header_shorter_than_the_proxies_gives_its_first_address(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request(forwarded="203.0.113.7")) == "203.0.113.7"


def test_a_value_that_is_not_an_address_gives_the_connecting_address(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request(forwarded="1.2.3.4, unknown")) == NGINX
    assert client_ip(_request(forwarded="<script>")) == NGINX


def test_it_reads_ipv6_and_counts_a_phone_by_its_64(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = _request(forwarded="2408:8456:1234:5678:aaaa:bbbb:cccc:dddd")
    assert client_ip(request) == "2408:8456:1234:5678:aaaa:bbbb:cccc:dddd"
    assert client_network(request) == "2408:8456:1234:5678::"
    assert client_network(_request("203.0.113.7")) == "203.0.113.7"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"TRUSTED_PROXY_COUNT": "2"}, "2 ('HTTP_X_FORWARDED_PROTO', 'https')"),
        # The older variable still means one proxy.
        ({"BEHIND_PROXY": "1"}, "1 ('HTTP_X_FORWARDED_PROTO', 'https')"),
        ({}, "0 None"),
    ],
)
def test_the_proxy_count_is_read_at_start_and_trusts_the_forwarded_scheme(env, expected):
    code = (
        "from django.conf import settings; "
        "print(settings.TRUSTED_PROXY_COUNT, settings.SECURE_PROXY_SSL_HEADER)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=django_settings.BASE_DIR,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip().endswith(expected), result.stderr
