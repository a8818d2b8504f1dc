"""The citizens' Telegram bot (aiogram 3): a citizen writes an appeal, hears of its status
changes and answer, rates it, subscribes to the news and field receptions of their village,
and stops everything with /stop. Updates arrive through the webhook view
(`appeals.bot.views.webhook`) or the polling worker (`manage.py telegram_bot --poll`); both
call `runtime.process_update`. Without PERVICHKA_TELEGRAM_BOT_TOKEN the bot is off."""
