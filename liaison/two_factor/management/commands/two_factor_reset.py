"""Reset a person's second factor from the server: for the superuser who lost their phone
when no other superuser or county staff can do it in the administration."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from liaison.two_factor.services import second_factor_reset_on_server


class Command(BaseCommand):
    help = "Forget a user's authenticator and recovery codes: they set up a new phone at sign-in."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        second_factor_reset_on_server(user=user)
        self.stdout.write(
            f"The second factor of {username} is reset: at their next sign-in they set up a "
            "new authenticator app."
        )
