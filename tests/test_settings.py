"""Production settings are secure by default."""

import os
import subprocess
import sys

from django.conf import settings

PRODUCTION_ENV = {
    "DEBUG": "False",
    "SECRET_KEY": "k" * 20 + "-a-long-random-production-secret-" + "x" * 20,
    "ALLOWED_HOSTS": "rd.zhashui.example.cn",
    "SITE_URL": "https://rd.zhashui.example.cn",
    "CSRF_TRUSTED_ORIGINS": "https://rd.zhashui.example.cn",
}


def _manage(*args, env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "HTTPS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    clean.update(env)
    clean["SECRET_KEY_FILE"] = "/nonexistent"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_passes_the_deploy_check_with_only_the_production_variables():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_it_runs_celery_tasks_in_process_without_redis():
    result = _manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.CELERY_TASK_ALWAYS_EAGER)",
        env={"DEBUG": "1", "REDIS_URL": ""},
    )
    assert result.stdout.strip().endswith("True"), result.stderr


def test_a_command_that_only_reads_the_code_needs_no_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = _manage("makemigrations", "--check", "--dry-run", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def test_a_missing_secret_key_is_said_in_one_line_not_a_traceback():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = _manage("migrate", "--check", env=env)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().startswith("manage.py: SECRET_KEY must be set")


# --- e-mail, error mails, HSTS, log files (issue #10) ----------------------------------------


def _setting(expression, env):
    result = _manage(
        "shell", "-c", f"from django.conf import settings; print(repr({expression}))", env=env
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_e_mail_goes_by_smtp_once_a_mail_server_is_named():
    assert "console" in _setting("settings.EMAIL_BACKEND", {**PRODUCTION_ENV})
    env = {**PRODUCTION_ENV, "EMAIL_HOST": "smtp.zhashui.example.cn", "EMAIL_USE_SSL": "1"}
    assert (
        _setting("settings.EMAIL_BACKEND", env) == "'django.core.mail.backends.smtp.EmailBackend'"
    )
    assert _setting("(settings.EMAIL_PORT, settings.EMAIL_TIMEOUT)", env) == "(465, 10)"
    env = {**env, "EMAIL_USE_SSL": "", "EMAIL_USE_TLS": "1", "SERVER_EMAIL": "err@x.example.cn"}
    assert _setting("(settings.EMAIL_PORT, settings.SERVER_EMAIL)", env) == (
        "(587, 'err@x.example.cn')"
    )


def test_it_refuses_tls_and_ssl_at_once():
    result = _manage("check", env={**PRODUCTION_ENV, "EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"})
    assert result.returncode != 0
    assert "EMAIL_USE_TLS and EMAIL_USE_SSL are exclusive" in result.stderr


def test_admins_are_read_from_a_list_of_addresses():
    env = {
        **PRODUCTION_ENV,
        "ADMINS": "信息科 王工 <wang@zhashui.example.cn>, it@zhashui.example.cn",
    }
    assert _setting("settings.ADMINS", env) == (
        "[('信息科 王工', 'wang@zhashui.example.cn'), "
        "('it@zhashui.example.cn', 'it@zhashui.example.cn')]"
    )
    assert "mail_admins" in _setting("settings.LOGGING['handlers']", env)
    assert "mail_admins" not in _setting("settings.LOGGING['handlers']", PRODUCTION_ENV)


def test_hsts_is_short_and_neither_preloaded_nor_on_subdomains_by_default():
    assert (
        _setting(
            "(settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_PRELOAD,"
            " settings.SECURE_HSTS_INCLUDE_SUBDOMAINS)",
            PRODUCTION_ENV,
        )
        == "(3600, False, False)"
    )
    env = {**PRODUCTION_ENV, "SECURE_HSTS_PRELOAD": "1", "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1"}
    assert _setting(
        "(settings.SECURE_HSTS_PRELOAD, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS)", env
    ) == ("(True, True)")
    # Opted in, the deploy check has nothing to say about them either.
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_with_a_log_dir_a_process_logs_to_a_daily_file_redacted(tmp_path):
    env = {**PRODUCTION_ENV, "LOG_DIR": str(tmp_path), "LOG_NAME": "probe"}
    script = (
        "import logging; logging.getLogger('petitions.probe').warning("
        "'call %s about /t/AbCdEfGhIjKlMnOpQrStUvWx/photos/1/', '13812345678')"
    )
    result = _manage("shell", "-c", script, env=env)
    assert result.returncode == 0, result.stderr
    line = (tmp_path / "probe.log").read_text(encoding="utf-8")
    assert "call 138****5678 about /t/…/photos/1/" in line
    assert "13812345678" not in line + result.stderr
    assert "AbCdEfGhIjKlMnOpQrStUvWx" not in line + result.stderr
    handler = _setting("settings.LOGGING['handlers']['file']", env)
    assert "'when': 'midnight'" in handler
    assert "'backupCount': 180" in handler
