"""The floors hold: scope by default, the tree encoding in one place, the import layers.

Issue 12, point 5: a view or an API function reads through a selector (or a model's scoped
queryset methods `visible_to` / `readable_upwards` / `get_for`), never `.objects` and never
`scope_paths`, so that a new page is not one forgotten call away from a leak. These tests
read the source with `ast` and name every offence by file and line.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "pervichka"

# The modules that answer requests: they read through selectors only.
ENTRY_MODULES = {"views.py", "public_views.py", "org_views.py", "access_views.py", "api.py"}

# Models with a foreign key to an org unit that are not read per user, each with its reason.
UNSCOPED_MODELS = {
    # Gap-free counters behind registration numbers: written under a row lock, never listed.
    "appeals.RegistrationCounter",
    # An import run's report, read by the district it names through the importing service.
    "people.MemberImport",
}


def _python_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _calls_scope_paths(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
    return name == "scope_paths"


def _offences(path: Path) -> list[str]:
    """Every `.objects` in an entry module, and every call of `scope_paths` outside core and
    the selectors, as "file:line: what"."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    relative = _relative(path)
    is_entry = path.name in ENTRY_MODULES
    may_call_scope_paths = (
        relative.startswith("pervichka/core/") or path.name == "selectors.py"
    ) and not is_entry
    found = []
    for node in ast.walk(tree):
        if is_entry and isinstance(node, ast.Attribute) and node.attr == "objects":
            found.append(f"{relative}:{node.lineno}: .objects in a view or API module")
        if not may_call_scope_paths and _calls_scope_paths(node):
            found.append(f"{relative}:{node.lineno}: scope_paths() outside core and selectors")
    return found


def test_views_and_apis_read_through_selectors():
    offences = [offence for path in _python_files() for offence in _offences(path)]
    assert not offences, "read through a selector or visible_to():\n" + "\n".join(offences)


def _models_of_a_unit() -> dict[str, bool]:
    """{label: is it scoped} for every model of ours with a foreign key to an org unit."""
    from pervichka.orgs.models import OrgUnit

    found = {}
    for model in apps.get_models():
        # simple-history's copies are read only through the history of a scoped object.
        if not model.__module__.startswith("pervichka.") or model.__name__.startswith("Historical"):
            continue
        if any(
            isinstance(field, models.ForeignKey) and field.related_model is OrgUnit
            for field in model._meta.get_fields()
            if field.concrete
        ):
            scoped = bool(getattr(model, "scope_path", None)) and hasattr(
                model._default_manager, "visible_to"
            )
            found[model._meta.label] = scoped
    return found


def test_every_model_of_a_unit_is_scoped():
    missing = [
        label
        for label, scoped in _models_of_a_unit().items()
        if not scoped and label not in UNSCOPED_MODELS
    ]
    assert not missing, "give these a scope_path and ScopedQuerySet.as_manager(): " + ", ".join(
        missing
    )


def test_unscoped_models_still_need_their_exemption():
    found = _models_of_a_unit()
    stale = sorted(label for label in UNSCOPED_MODELS if found.get(label, True))
    assert not stale, "remove from UNSCOPED_MODELS in tests/test_floors.py: " + ", ".join(stale)


@pytest.mark.skipif(
    not (Path(sys.executable).parent / "lint-imports").exists(), reason="import-linter missing"
)
def test_import_layers_hold():
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
