"""One way to replace a Pelican method, so a second build in the same process
(the tests, a devserver) never wraps a method twice."""

from __future__ import annotations

_PATCHED: set[tuple[type, str]] = set()


def patch(cls: type, name: str, wrap) -> None:
    """Replace `cls.name` with `wrap(current)`, once per process however many
    builds run in it (each registers the plugin again). Kept by class and
    name, so patching a base class never counts as patching a subclass."""
    if (cls, name) not in _PATCHED:
        setattr(cls, name, wrap(getattr(cls, name)))
        _PATCHED.add((cls, name))
