from pervichka.core.roles import Perm
from pervichka.core.scoping import has_perm_anywhere
from pervichka.core.tree import DISTRICT
from pervichka.orgs.selectors import sees_level


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    return {
        "nav": {
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
            "ideas": has_perm_anywhere(user, Perm.PROJECTS_ADMIN)
            or has_perm_anywhere(user, Perm.IDEAS_JURY),
            "privacy": has_perm_anywhere(user, Perm.PRIVACY_SUBJECTS),
            "breaches": has_perm_anywhere(user, Perm.PRIVACY_BREACHES),
            "admin": user.is_staff,
        }
    }
