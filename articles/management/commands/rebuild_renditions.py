import time

from django.core.management.base import BaseCommand

from articles.models import Photo
from articles.photos import renditions


class Command(BaseCommand):
    help = (
        "Build the renditions of every photo, or of the photos given with --photo. Safe to "
        "re-run: photos whose renditions are up to date are skipped unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--photo", type=int, action="append", dest="photos", help="a photo id (repeatable)"
        )
        parser.add_argument("--force", action="store_true", help="rebuild up-to-date ones too")

    def handle(self, *args, photos, force, **options):
        queryset = Photo.objects.order_by("pk")
        if photos:
            queryset = queryset.filter(pk__in=photos)
        total = queryset.count()
        rebuilt = current = failed = 0
        started = time.monotonic()
        for done, photo in enumerate(queryset.iterator(chunk_size=100), start=1):
            if force or not renditions.is_current(photo):
                try:
                    renditions.rebuild(photo)
                    rebuilt += 1
                except Exception as exc:  # one bad file must not stop the run
                    failed += 1
                    self.stderr.write(f"\nphoto {photo.pk} ({photo.image.name}): {exc}")
            else:
                current += 1
            rate = done / max(time.monotonic() - started, 1e-6)
            self.stdout.write(f"\r  {done}/{total} photos ({rate:.1f}/s)", ending="")
            self.stdout.flush()
        self.stdout.write("")
        self.stdout.write(f"Rebuilt {rebuilt}, up to date {current}, failed {failed}.")
