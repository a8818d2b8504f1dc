from functools import lru_cache

from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from pervichka.core.roles import Perm
from pervichka.core.scoping import has_perm_anywhere
from pervichka.core.tree import DISTRICT
from pervichka.orgs.selectors import sees_level


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    nav = {
        "members": has_perm_anywhere(user, Perm.MEMBERS_VIEW),
        "manage_members": has_perm_anywhere(user, Perm.MEMBERS_MANAGE),
        "orgs": has_perm_anywhere(user, Perm.ORGS_VIEW),
        # Deputies sit in a district's council: the menu shows them to those who see a
        # district or more (a primary's chair would find the list empty).
        "deputies": sees_level(user, DISTRICT),
        "appeals": has_perm_anywhere(user, Perm.APPEALS_VIEW),
        "dues": has_perm_anywhere(user, Perm.DUES_VIEW),
        "youth": has_perm_anywhere(user, Perm.YOUTH_VIEW),
        "projects": has_perm_anywhere(user, Perm.PROJECTS_VIEW),
        "promises": has_perm_anywhere(user, Perm.PROMISES_VIEW),
        "training": has_perm_anywhere(user, Perm.TRAINING_VIEW),
        "rating": has_perm_anywhere(user, Perm.RATING_VIEW),
        "outreach": has_perm_anywhere(user, Perm.OUTREACH_VIEW),
        "media": has_perm_anywhere(user, Perm.MEDIA_VIEW),
        "privacy": has_perm_anywhere(user, Perm.PRIVACY_SUBJECTS),
        "breaches": has_perm_anywhere(user, Perm.PRIVACY_BREACHES),
        "access_log": has_perm_anywhere(user, Perm.ACCESS_LOG_VIEW),
        "ideas": has_perm_anywhere(user, Perm.PROJECTS_ADMIN)
        or has_perm_anywhere(user, Perm.IDEAS_JURY),
        "admin": user.is_staff,
    }
    items, html = _menu_rendered(
        tuple(key for key, on in nav.items() if on), get_language() or "", get_script_prefix()
    )
    return {"nav": nav, "nav_menu": items, "nav_html": html}


@lru_cache(maxsize=512)
def _menu_rendered(keys: tuple[str, ...], language: str, prefix: str) -> tuple[dict, str]:
    """The menu and its rendered items for one set of sections in one language: the same for
    every user holding that role set, so each process renders it once. Nothing of the user,
    the request, the CSRF token or the messages is in it (base.html renders those)."""
    items = menu(dict.fromkeys(keys, True))
    return items, render_to_string("includes/nav_menu.html", {"nav_menu": items})


# The staff menu in its order: (flag in `nav`, URL name, label). Projects stand for the
# ideas contest too; a juror without the projects sees the contest instead. "Personal data"
# opens the subject requests, or the breach register for those who only keep that.
MENU = [
    ("members", "people:list", _("Members")),
    ("appeals", "appeals:list", _("Appeals")),
    ("dues", "dues:district", _("Dues")),
    ("projects", "projects:catalog", _("Projects")),
    ("ideas", "ideas:ideas", _("Ideas contest")),
    ("promises", "promises:list", _("Promises")),
    ("deputies", "deputies:list", _("Deputies")),
    ("training", "training:home", _("School")),
    ("rating", "rating:home", _("Rating")),
    ("outreach", "outreach:segments", _("Citizens")),
    ("media", "media:news", _("News")),
    ("youth", "youth:registry", _("Youth")),
    ("orgs", "orgs:tree", _("Organizations")),
    ("privacy", "privacy:subjects", _("Personal data")),
    ("breaches", "privacy:breaches", _("Personal data")),
    ("access_log", "people:access_log", _("Access log")),
    ("admin", "admin:index", _("Administration")),
]
# How many items stand in the bar; the rest go under "More". Six Russian or Kazakh labels,
# the language switch and the account menu fit a 1200 px window, where the bar stops
# collapsing (navbar-expand-xl in base.html); eleven did not fit 1440 px (issue 14).
MENU_MAIN = 6


def menu(nav: dict) -> dict:
    """The items this user has, split into those in the bar and those under "More" (one
    left over stands in the bar: a "More" for one item is a click for nothing)."""
    items = [
        {"key": key, "url": reverse(name), "label": label}
        for key, name, label in MENU
        if nav.get(key)
        and not (key == "ideas" and nav.get("projects"))
        and not (key == "breaches" and nav.get("privacy"))
    ]
    if len(items) <= MENU_MAIN + 1:
        return {"main": items, "more": []}
    return {"main": items[:MENU_MAIN], "more": items[MENU_MAIN:]}
