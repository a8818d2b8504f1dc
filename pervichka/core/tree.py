"""The encoding of the org tree, in one place.

The tree is django-treebeard's materialized path: every unit's `path` is its parent's path
followed by STEPLEN characters. The levels are fixed — party, region, district, primary —
so a unit's kind is its depth, and "the district of a unit" is the first three steps of its
path. Everything that cuts, compares or builds paths goes through these functions; nothing
else in the project knows the step length.
"""

from __future__ import annotations

# 4 characters of 0-9A-Z per level: 1.6 million children under one parent.
STEPLEN = 4

PARTY = "party"
REGION = "region"
DISTRICT = "district"
PRIMARY = "primary"

# The depth of each kind of unit (treebeard's depth: the root is 1).
KIND_DEPTH: dict[str, int] = {PARTY: 1, REGION: 2, DISTRICT: 3, PRIMARY: 4}
DEPTH_KIND: dict[int, str] = {depth: kind for kind, depth in KIND_DEPTH.items()}


def depth_of(path: str) -> int:
    return len(path) // STEPLEN


def kind_of(path: str) -> str | None:
    """The kind of the unit at `path` (None for a malformed path)."""
    return DEPTH_KIND.get(depth_of(path))


def parent_path(path: str) -> str | None:
    return path[:-STEPLEN] or None


def ancestor_paths(path: str, *, include_self: bool = False) -> list[str]:
    """The paths of the units above `path`, from the root down (and `path` itself if asked)."""
    end = len(path) + 1 if include_self else len(path)
    return [path[:i] for i in range(STEPLEN, end, STEPLEN)]


def path_at(path: str, kind: str) -> str | None:
    """The path of the unit of `kind` at or above `path`; None when `path` is above that kind."""
    length = KIND_DEPTH[kind] * STEPLEN
    return path[:length] if len(path) >= length else None


def district_path(path: str) -> str | None:
    """The district a unit belongs to: itself for a district, its parent for a primary, and
    none for a region or the party (they are above every district)."""
    return path_at(path, DISTRICT)


def region_path(path: str) -> str | None:
    return path_at(path, REGION)


def is_within(path: str, ancestor: str) -> bool:
    """Is the unit at `path` the unit at `ancestor` or below it?"""
    return path.startswith(ancestor)


def within_any(path: str, ancestors: list[str] | None) -> bool:
    """Is `path` inside one of the subtrees (None stands for the whole tree)?"""
    return ancestors is None or any(path.startswith(a) for a in ancestors)


def sees_level(paths: list[str] | None, kind: str) -> bool:
    """Do subtrees rooted at `paths` reach a unit of `kind` or above (None: the whole tree)?"""
    return paths is None or any(depth_of(p) <= KIND_DEPTH[kind] for p in paths)
