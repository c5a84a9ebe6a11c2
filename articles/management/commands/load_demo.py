import time

from django.core.management.base import BaseCommand

from articles import demo


class Command(BaseCommand):
    help = (
        "Load the demo newsroom (idempotent). With --articles N, also add N synthetic "
        "published articles for scale tests."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=0, help="synthetic articles to add")
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument("--no-demo", action="store_true", help="only synthetic articles")

    def handle(self, *args, articles, batch_size, no_demo, **options):
        if not no_demo:
            newsroom = demo.load_demo_newsroom()
            self.stdout.write(f"Demo newsroom ready: {newsroom.featured.get_absolute_url()}")
            user, created = demo.ensure_demo_editor()
            if user is None:
                self.stdout.write("No demo editor account: DEBUG is off (production settings).")
            elif created:
                self.stdout.write(f"Created demo editor '{demo.DEMO_USERNAME}'.")
            for account in demo.ensure_demo_role_users():
                self.stdout.write(f"Created demo account {account}.")
        if articles > 0:
            started = time.monotonic()

            def progress(done, total):
                rate = done / max(time.monotonic() - started, 1e-6)
                self.stdout.write(f"\r  {done:>8,}/{total:,} articles ({rate:,.0f}/s)", ending="")
                self.stdout.flush()

            demo.generate_synthetic(articles, batch_size=batch_size, progress=progress)
            self.stdout.write("")
            self.stdout.write(
                f"Added {articles:,} synthetic articles in {time.monotonic() - started:.1f}s."
            )
