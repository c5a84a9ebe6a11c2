from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from kazcms.roles import sync_roles


class Command(BaseCommand):
    help = (
        "Create the newsroom roles and grant the permissions kazcms/roles.py declares "
        "(re-runnable; migrate does it too). Lists permissions granted on top of the map."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--prune", action="store_true", help="also remove permissions the map does not declare"
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, prune, database, **options):
        missing = []
        for result in sync_roles(prune=prune, using=database):
            if result.created:
                self.stdout.write(f"{result.role}: created.")
            for name in result.granted:
                self.stdout.write(f"{result.role}: granted {name}.")
            for name in result.removed:
                self.stdout.write(f"{result.role}: removed {name}.")
            for name in result.kept:
                self.stdout.write(
                    f"{result.role}: also holds {name} (not declared; --prune removes it)."
                )
            if not (result.created or result.granted or result.removed or result.kept):
                self.stdout.write(f"{result.role}: up to date.")
            missing += result.missing
        if missing:
            raise CommandError(f"No such permission: {', '.join(sorted(set(missing)))}.")
