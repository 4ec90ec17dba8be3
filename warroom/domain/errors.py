"""One root for warroom's own errors: whatever warroom refuses (bad input, a rule of the
practice, a database it cannot use) is a `WarroomError`, said to the person in one line. An
error that is not one is a bug: the command line writes it to a private crash log instead."""

from __future__ import annotations


class WarroomError(Exception):
    """Something warroom refuses or cannot do, in one line for the person."""
