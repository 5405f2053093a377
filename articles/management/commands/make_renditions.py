from django.core.management.base import BaseCommand

from articles.models import Image
from articles.renditions import make_renditions, rendition_widths


class Command(BaseCommand):
    help = (
        "Rebuild the renditions of every image, e.g. after a width was added to "
        "RENDITION_WIDTHS; pages never make them during a view."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale",
            action="store_true",
            help="Only images whose renditions do not match the current widths.",
        )

    def handle(self, *args, stale, **options):
        done = skipped = failed = 0
        for image in Image.objects.order_by("pk").iterator(chunk_size=100):
            if stale and [r["width"] for r in image.renditions] == rendition_widths(image.width):
                skipped += 1
                continue
            try:
                image.renditions = make_renditions(image)
            except OSError as error:
                # A missing or unreadable file must not stop the other images.
                self.stderr.write(f"Image #{image.pk} ({image.file.name}): {error}")
                failed += 1
                continue
            Image.objects.filter(pk=image.pk).update(renditions=image.renditions)
            done += 1
        self.stdout.write(
            f"Renditions rebuilt for {done} images ({skipped} up to date, {failed} failed)."
        )
