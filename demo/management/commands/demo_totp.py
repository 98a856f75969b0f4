"""Print the current two-factor code of a demo login (`make run` without a phone app)."""

from django.core.management.base import BaseCommand, CommandError

from demo.two_factor import DEMO_TOTP_SECRETS, demo_authenticator
from liaison.two_factor.services import totp_code


class Command(BaseCommand):
    help = (
        "Print the 6-digit code a demo login's authenticator shows now (demo logins only: "
        + ", ".join(DEMO_TOTP_SECRETS)
        + ")."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        device = demo_authenticator(username)
        if device is None:
            raise CommandError(
                f"{username!r} is not a demo login with the demo's authenticator; this "
                "command prints codes for the demo county only."
            )
        self.stdout.write(totp_code(device))
