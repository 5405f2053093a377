from django.core.management.base import BaseCommand

from newsportal.tasks import recover_interrupted


class Command(BaseCommand):
    help = (
        "Put back the background tasks a worker was running when it was stopped without "
        "finishing them (killed, out of memory, machine down): they would otherwise stay "
        "« running » for ever. Give the worker's --worker-id; run it before that worker "
        "starts again, never while it runs (docs/deployment.md, Background tasks)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--worker-id",
            required=True,
            help="The --worker-id the stopped worker ran with (e.g. web1-1).",
        )

    def handle(self, *args, **options):
        requeued, failed = recover_interrupted(options["worker_id"])
        self.stdout.write(f"Interrupted tasks: {requeued} queued again, {failed} left failed.")
