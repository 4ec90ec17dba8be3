"""When an inject fires (issue 29): a condition on the drill's state at the inject's time, in a
small fixed vocabulary (no code is ever evaluated), combined with `and`:

    not contained · lever N untried · lever N pulled · no root cause · client notice not sent ·
    hat HAT free

`lever N pulled` holds once the lever was pulled, whatever came of it (effective, no effect).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from warroom.domain.incident import IncidentState
from warroom.domain.model import CONTAINED, HATS, ROOT_CAUSE, UNTRIED
from warroom.domain.policy import CLIENT_NOTICE

_LEVER = re.compile(r"^lever ([1-4]) (untried|pulled)$")
_HAT = re.compile(rf"^hat ({'|'.join(HATS)}) free$")
WORDS = ("not contained", "lever N untried", "lever N pulled", "no root cause", "client notice not sent", "hat HAT free")
MAX_TERMS = 8


class ConditionError(ValueError):
    """What is wrong with a condition, in words (the scenario's reader names the file and key)."""


@dataclass(frozen=True)
class Condition:
    terms: tuple[str, ...]  # each one of WORDS, written out (lever 2 pulled)

    @property
    def text(self) -> str:
        return " and ".join(self.terms)

    def holds(self, state: IncidentState) -> bool:
        return all(_holds(term, state) for term in self.terms)


def parse(text: str) -> Condition:
    terms = tuple(" ".join(term.split()).lower() for term in re.split(r"\band\b", text.strip(), flags=re.I))
    if not text.strip() or len(terms) > MAX_TERMS or not all(terms):
        raise ConditionError(f"expected up to {MAX_TERMS} conditions joined by 'and', each one of: {', '.join(WORDS)}")
    for term in terms:
        if term not in ("not contained", "no root cause", "client notice not sent") and not _LEVER.match(term) \
                and not _HAT.match(term):
            raise ConditionError(f"{term[:40]!r} is not a condition warroom knows; expected one of: {', '.join(WORDS)}")
    return Condition(terms)


def _holds(term: str, state: IncidentState) -> bool:
    if term == "not contained":
        return state.milestone(CONTAINED) is None
    if term == "no root cause":
        return state.milestone(ROOT_CAUSE) is None
    if term == "client notice not sent":
        return not any(c.template == CLIENT_NOTICE for c in state.communications)
    lever = _LEVER.match(term)
    if lever:
        untried = state.lever(int(lever.group(1))).state == UNTRIED
        return untried if lever.group(2) == "untried" else not untried
    hat = _HAT.match(term)
    return bool(hat) and not state.holders.get(hat.group(1))  # type: ignore[union-attr]  # (parse let only these through)
