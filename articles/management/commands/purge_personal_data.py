from django.core.management.base import BaseCommand

from newsportal.privacy import purge, schedule


class Command(BaseCommand):
    help = (
        "Remove the personal data whose time is up (docs/privacy.md): commenters' IP "
        "addresses and user agents older than COMMENTS_KEEP_IP_DAYS, expired login "
        "lockout records and login logs older than LOGIN_RECORDS_KEEP_DAYS, spent captcha "
        "tokens. Prints what it removed; running it again removes nothing more. Run it "
        "daily (cron), or once with --schedule where a task worker runs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Enqueue the periodic task instead (a worker then runs it every day).",
        )

    def handle(self, *args, **options):
        if options["schedule"]:
            result = schedule()
            if result is None:
                self.stdout.write("The purge task is already waiting for a worker.")
            else:
                self.stdout.write(f"Purge task enqueued ({result.id}).")
            return
        for name, count in purge().items():
            self.stdout.write(f"{name}: {count} removed")
