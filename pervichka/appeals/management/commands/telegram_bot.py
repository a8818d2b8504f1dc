"""The citizens' Telegram bot in production: `--poll` runs the polling worker (one process,
no public address needed); `--set-webhook URL` points Telegram at the webhook instead, with
PERVICHKA_TELEGRAM_WEBHOOK_SECRET as its secret token (docs/deployment.md)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pervichka.appeals.bot.runtime import poll as run_poll
from pervichka.core import telegram


class Command(BaseCommand):
    help = "Run the citizens' Telegram bot by polling, or set its webhook."

    def add_arguments(self, parser):
        parser.add_argument("--poll", action="store_true", help="long-poll getUpdates")
        parser.add_argument("--once", action="store_true", help="one round of polling, then exit")
        parser.add_argument("--set-webhook", metavar="URL", help="the public webhook address")

    def handle(self, *args, poll: bool = False, once: bool = False, set_webhook=None, **opts):
        if not telegram.configured():
            raise CommandError("PERVICHKA_TELEGRAM_BOT_TOKEN is not set: the bot is off.")
        if set_webhook:
            secret = settings.PERVICHKA_TELEGRAM_WEBHOOK_SECRET
            if not secret:
                raise CommandError("Set PERVICHKA_TELEGRAM_WEBHOOK_SECRET first.")
            telegram.call(
                "setWebhook",
                {
                    "url": set_webhook,
                    "secret_token": secret,
                    "allowed_updates": ["message", "callback_query"],
                },
            )
            self.stdout.write(f"Webhook set to {set_webhook}")
            return
        if not (poll or once):
            raise CommandError("Say --poll (or --once) or --set-webhook URL.")
        handled = run_poll(once=once)
        self.stdout.write(f"{handled} updates handled")
