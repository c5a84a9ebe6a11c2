from django.core.management.base import BaseCommand

from newsletter import sending


class Command(BaseCommand):
    help = (
        "Queue the work of every mailing left sending (e.g. after a worker crashed) and of "
        "scheduled ones now due. Safe to re-run: deliveries are claimed once each."
    )

    def handle(self, *args, **options):
        count = sending.resume()
        self.stdout.write(f"Queued {count} mailing job(s).")
