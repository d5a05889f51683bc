"""Load the demo data: the creator `demo` with a persona, links, posts and 45 days of page
figures, and a staff user.
Safe to run again and again. Each app seeds its own part; this command only puts them in
order, which is why it lives in apps/core rather than in any one of them."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.analytics.demo import analytics_seed_demo
from apps.content.library.services import content_seed_demo
from apps.content.models import ContentItem
from apps.subscriptions.services import plans_seed_defaults
from apps.users.models import User
from apps.users.services import demo_users_seed


class Command(BaseCommand):
    help = "Create the demo creator, their posts and a staff user (idempotent). DEBUG only."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG=False (for test databases only).",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with known passwords, so it only runs with DEBUG=True."
            )
        plans_seed_defaults()
        seeded = demo_users_seed()
        content_seed_demo()
        demo = User.objects.get(handle="demo")
        published = ContentItem.objects.filter(user=demo, status=ContentItem.Status.PUBLISHED)
        analytics_seed_demo(creator=demo, post_ids=list(published.values_list("pk", flat=True)))
        self.stdout.write(
            self.style.SUCCESS("Demo data is ready. Log in at /accounts/login/ with:")
        )
        for account in seeded:
            self.stdout.write(f"  {account.label:<8} {account.email}  /  {account.password}")
