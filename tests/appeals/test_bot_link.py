"""The deep link a primary prints on its posters opens the bot with the primary chosen."""

from pervichka.appeals.selectors import bot_deep_link, primary_by_start_code


def test_bot_deep_link_names_the_primary(tree, settings):
    settings.PERVICHKA_TELEGRAM_BOT_USERNAME = "@pervichka_akzhar_bot"
    link = bot_deep_link(tree.primary_a)
    assert link == f"https://t.me/pervichka_akzhar_bot?start=p{tree.primary_a.pk}"
    assert primary_by_start_code(link.rsplit("=", 1)[1]) == tree.primary_a


def test_bot_deep_link_empty_without_a_bot(tree, settings):
    settings.PERVICHKA_TELEGRAM_BOT_USERNAME = ""
    assert bot_deep_link(tree.primary_a) == ""


def test_start_code_of_a_district_or_garbage_names_no_primary(tree):
    assert primary_by_start_code(f"p{tree.district.pk}") is None
    for code in ("", "p", "pabc", "x1", "p" + "9" * 40, "p1\x00", "<script>"):
        assert primary_by_start_code(code) is None
