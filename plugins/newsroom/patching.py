"""Every replacement of a Pelican internal, applied in one place, behind one switch.

Our patches were written against one Pelican release (PATCHED_PELICAN). At
`initialized`, where the settings exist, they are put in place when the
NEWSROOM_SPEEDUPS setting is on (the default) and the installed Pelican is
that release; otherwise Pelican's own code is restored, with one warning line
when the version is the reason. A test builds the site both ways and
compares them byte for byte, and another fails when Pelican is upgraded, so
an upgrade is a decision. Restoring works within one process too (the tests
and a devserver build many times), because the originals are kept.
"""

from __future__ import annotations

import logging
from types import ModuleType

import pelican

log = logging.getLogger(__name__)
PATCHED_PELICAN = "4.12.0"

_INHERITED = object()  # the class had no attribute of its own: restoring deletes ours
_ORIGINALS: dict[tuple[type, str], object] = {}
_PATCHES: list[tuple[type, str, object]] = []  # (class, name, wrap): registered, applied on demand


def register_patch(cls: type | ModuleType, name: str, wrap) -> None:
    """`wrap(current)` replaces `cls.name` when the patches are switched on.
    A patch of a base class is kept apart from one of its subclasses. `cls`
    may be a module, for a function another Pelican module calls by name."""
    if not any(known is cls and known_name == name for known, known_name, _ in _PATCHES):
        _PATCHES.append((cls, name, wrap))


def _apply() -> None:
    for cls, name, wrap in _PATCHES:
        if (cls, name) not in _ORIGINALS:
            _ORIGINALS[(cls, name)] = cls.__dict__.get(name, _INHERITED)
            setattr(cls, name, wrap(getattr(cls, name)))


def _restore() -> None:
    for (cls, name), original in reversed(list(_ORIGINALS.items())):
        if original is _INHERITED:
            delattr(cls, name)
        else:
            setattr(cls, name, original)
    _ORIGINALS.clear()


def patches_on() -> bool:
    return bool(_ORIGINALS)


def switch_patches(pelican_object) -> None:
    """At `initialized`: our patches on, or Pelican's own code."""
    wanted = pelican_object.settings.get("NEWSROOM_SPEEDUPS", True)
    if wanted and pelican.__version__ != PATCHED_PELICAN:
        log.warning("newsroom: Pelican %s is not %s, the release our speedups were written for; "
                    "building with Pelican's own code", pelican.__version__, PATCHED_PELICAN)
        wanted = False
    if wanted:
        _apply()
    else:
        _restore()
