"""The kernel's own tables (users, regulation settings, the working calendar); the engines' and the wings'
tables live in their packages and are registered by `import_all_models`."""

from __future__ import annotations

from collections.abc import Iterable
from importlib import import_module
from importlib.util import find_spec

KERNEL_MODELS = ("app.models.user", "app.models.regulations", "app.models.calendar", "app.audit.models",
                 "app.timers.models", "app.notifications.models", "app.messaging.models")


def import_all_models(wings: Iterable[str]) -> None:
    """Register every table on the metadata: the kernel's, then `<wing>.models` of each installed wing."""
    for name in KERNEL_MODELS:
        import_module(name)
    for wing in wings:
        if find_spec(f"{wing}.models") is not None:
            import_module(f"{wing}.models")
