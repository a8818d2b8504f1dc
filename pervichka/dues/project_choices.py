"""Which projects a spending request can name, without dues importing projects.

Dues lies below projects (projects → dues is the named one-way link in .importlinter): the
projects app registers a provider here in its AppConfig.ready(), and the spending form
offers what it returns — the active projects, by code and name in the reader's language.
Without a provider (dues installed alone) the form keeps a free-text field.
"""

from __future__ import annotations

from collections.abc import Callable

ChoicesProvider = Callable[[], list[tuple[str, str]]]

_providers: list[ChoicesProvider] = []


def register(provider: ChoicesProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def project_choices() -> list[tuple[str, str]] | None:
    """(code, name) of every project a request may name; None when no app provides any."""
    if not _providers:
        return None
    choices: list[tuple[str, str]] = []
    for provider in _providers:
        choices.extend(provider())
    return choices


def project_name(code: str) -> str:
    """The name of the project with `code`, or the code itself (an old free-text entry)."""
    return dict(project_choices() or []).get(code, code)
