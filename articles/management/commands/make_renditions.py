from django.core.management.base import BaseCommand

from articles.derived import refresh_renditions
from articles.models import Image, content_written


class Command(BaseCommand):
    help = (
        "Rebuild the renditions and focal-point crops of every image, e.g. after a "
        "width or a ratio was added to RENDITION_WIDTHS or RENDITION_RATIOS, or for "
        "photos uploaded before crops existed; "
        "pages never make them during a view."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale",
            action="store_true",
            help="Only images whose renditions or crops do not match the current settings.",
        )

    def handle(self, *args, stale, **options):
        def report(image, error):
            # A missing or unreadable file must not stop the other images.
            self.stderr.write(f"Image #{image.pk} ({image.file.name}): {error}")

        done, skipped, failed = refresh_renditions(
            Image.objects.all(), stale_only=stale, on_error=report
        )
        if done:
            content_written()  # pages list the rendition URLs: they are stale now
        self.stdout.write(
            f"Renditions rebuilt for {done} images ({skipped} up to date, {failed} failed)."
        )
