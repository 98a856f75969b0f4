"""Print where the demo portal is and how to sign in (used by `make run`)."""

from django.core.management.base import BaseCommand
from django.urls import reverse

from demo.legal import DEMO_HALL_LEGAL_WORKER, DEMO_LEGAL_WORKER
from demo.links import DEMO_LEADER
from demo.logins import (
    DEMO_ADMIN,
    DEMO_COUNTY_STAFF,
    DEMO_REPRESENTATIVE,
    DEMO_REPRESENTATIVE_NAME,
    DEMO_TOWN_STAFF,
    DEMO_UNIT,
)
from demo.two_factor import (
    DEMO_TOTP_SECRETS,
    demo_authenticator,
    demo_recovery_codes,
    secret_for_display,
)
from liaison.models import Representative, Station


class Command(BaseCommand):
    help = "Print the portal's URL, the demo logins and a representative's QR page."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")

    def handle(self, *args, base_url, **options):
        base = base_url.rstrip("/")
        rep = Representative.objects.filter(name=DEMO_REPRESENTATIVE_NAME).first()
        station = Station.objects.filter(slug="renhe").first()
        lines = [
            "",
            "柞水县人大代表联络平台 (Zhashui people's congress portal)",
            f"  Portal:              {base}/",
            f"  Staff admin:         {base}{reverse('admin:index')}   "
            f"login {DEMO_ADMIN[0]} / {DEMO_ADMIN[1]}",
            f"  County staff:        {base}{reverse('admin:index')}   "
            f"login {DEMO_COUNTY_STAFF[0]} / {DEMO_COUNTY_STAFF[1]}",
            f"  Town staff:          {base}{reverse('admin:index')}   "
            f"login {DEMO_TOWN_STAFF[0]} / {DEMO_TOWN_STAFF[1]}   (乾佑街道)",
            f"  Representative:      {base}{reverse('petitions:my_tasks')}   "
            f"login {DEMO_REPRESENTATIVE[0]} / {DEMO_REPRESENTATIVE[1]}",
            f"  My points:           {base}{reverse('points:my_points')}   "
            f"login {DEMO_REPRESENTATIVE[0]} / {DEMO_REPRESENTATIVE[1]}   ({DEMO_REPRESENTATIVE_NAME})",
            f"  A leader's links:    {base}{reverse('liaison:my_links')}   "
            f"login {DEMO_LEADER[0]} / {DEMO_LEADER[1]}   (五联系, 周立新)",
            f"  Handling unit:       {base}{reverse('petitions:unit_list')}   "
            f"login {DEMO_UNIT[0]} / {DEMO_UNIT[1]}   (柞水县交通运输局)",
            f"  Legal worker:        {base}{reverse('petitions:legal_list')}   "
            f"login {DEMO_LEGAL_WORKER[0]} / {DEMO_LEGAL_WORKER[1]}   (凤凰镇中心联络站)",
            f"  Hall legal worker:   {base}{reverse('petitions:legal_list')}   "
            f"login {DEMO_HALL_LEGAL_WORKER[0]} / {DEMO_HALL_LEGAL_WORKER[1]}   (县信访大厅)",
        ]
        if rep:
            lines.append(f"  {rep.name}'s QR page: {base}{rep.get_absolute_url()}")
        if station:
            lines.append(f"  Station QR page:     {base}{station.get_qr_path()}")
        lines += self._second_factors()
        lines.append("")
        self.stdout.write("\n".join(lines))

    def _second_factors(self) -> list[str]:
        """How the logins that must pass a second factor get their code (issue #10)."""
        lines = [
            "",
            "  Two-factor sign-in: after the password, admin and xianrenda type a 6-digit code.",
            "  Add the secret to an authenticator app, or print the current code with the",
            "  command (or type one of the recovery codes, each once):",
        ]
        for username in DEMO_TOTP_SECRETS:
            if demo_authenticator(username) is None:
                continue  # set up with a phone of the judge's own, or not loaded
            lines += [
                f"    {username}: secret {secret_for_display(username)}",
                f"      code now: .venv/bin/python manage.py demo_totp {username}",
                f"      recovery codes: {' '.join(demo_recovery_codes(username))}",
            ]
        return lines
