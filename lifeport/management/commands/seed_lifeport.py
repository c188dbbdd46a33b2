from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from partners.demo import DEMO_PASSWORD, seed_demo_users
from partners.services import seed_programme


class Command(BaseCommand):
    help = "Load the partners, action lines and the 2026 agreement; --demo adds demo users (DEBUG only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--demo", action="store_true", help="Also create demo users and demo data.")

    def handle(self, *args, demo: bool = False, **options) -> None:
        if demo and not settings.DEBUG:
            raise CommandError("--demo creates users with a known password and runs only with DEBUG=1.")
        seed_programme()
        self.stdout.write(self.style.SUCCESS("Partners, action lines and the 2026 agreement are in place."))
        if not demo:
            return
        logins = seed_demo_users()
        from contributions.demo import seed_demo_contributions

        added = seed_demo_contributions()
        self.stdout.write(f"Demo contributions for 2026 up to today: {added} added.")
        from actionlines.demo import seed_demo_plan

        plan = seed_demo_plan()
        self.stdout.write(f"Demo annual plan: {plan} ({plan.get_status_display()}).")
        from governance.demo import seed_demo_governance

        if seed_demo_governance(plan):
            self.stdout.write("Demo governance: meetings and decisions, risks, the programme budget 2026.")
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for login in logins:
            detail = f" – {login.detail}" if login.detail else ""
            self.stdout.write(f"  {login.username:<16} {login.role}{detail}")
        from accounts.services import demo_totp_secret

        self.stdout.write("")
        self.stdout.write("directeur and bureau also need a code from an authenticator app (two-step verification).")
        self.stdout.write(f"Add this demo key to the app (time-based, 6 digits, 30 s): {demo_totp_secret()}")
