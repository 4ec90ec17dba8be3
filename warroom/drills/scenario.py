"""A drill's scenario, from a TOML file: the incident (title, severity, service, impact, a
runbook), the targets to beat (minutes), and the injects at T+mm:ss. A broken file is one
line naming the file and the key or line."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from warroom.domain.errors import WarroomError
from warroom.domain.model import HATS, SEVERITIES
from warroom.drills.conditions import Condition, ConditionError
from warroom.drills.conditions import parse as parse_condition

SHIPPED = Path(__file__).with_name("scenarios")
KINDS = ("alert", "finding", "lever", "exec", "customer", "unavailable")
TARGETS = ("detect", "contain", "identify", "fix", "resolve", "total")
LEVER_OUTCOMES = ("effective", "no effect")
_AT = re.compile(r"^(\d{1,3}):([0-5]\d)$")
_NAME = re.compile(r"^\w[\w .-]{0,59}$")  # a scenario's name: a word, no path, no control character
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")  # newline and tab aside
MAX_FILE = 256 * 1024  # a scenario is a page of TOML; a larger file is refused before it is parsed
MAX_INJECTS = 500


class ScenarioError(WarroomError, ValueError):
    """One line: the file, the key or line, what was expected."""


@dataclass(frozen=True)
class Inject:
    at: timedelta  # after detection, on the drill's clock
    kind: str
    text: str = ""
    name: str = ""  # an alert's name
    lever: int = 0  # a lever's outcome: which lever, once pulled
    outcome: str = ""
    when: Condition | None = None  # fires only if this holds at its time; else it is recorded as skipped
    hat: str = ""  # unavailable: whose wearer is called away


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    severity: str
    service: str
    impact: str
    impact_before: timedelta  # impact started this long before the page
    targets: dict[str, timedelta] = field(default_factory=dict)
    runbook: dict[str, str] = field(default_factory=dict)
    injects: tuple[Inject, ...] = ()
    summary: str = ""
    path: Path | None = None
    page: bool = False  # the drill pages the roster's people for real (each page says DRILL first); else nobody
    soak: timedelta | None = None  # the soak's minimum length in this drill (None: the config's)
    answer_within: timedelta = timedelta(minutes=10)  # a customer report must be answered by a client message this soon
    needs_levers: tuple[int, ...] = ()  # levers the drill needs run (the scorecard checks each was marked effective)


def _at(value, key: str, path: Path) -> timedelta:
    found = _AT.match(value) if isinstance(value, str) else None
    if not found:
        raise ScenarioError(f"{path}: {key}: expected a time after detection as mm:ss, such as \"04:30\"")
    return timedelta(minutes=int(found.group(1)), seconds=int(found.group(2)))


def _text(table: dict, key: str, where: str, path: Path, limit: int = 2000, needed: bool = True,
          one_line: bool = False) -> str:
    value = table.get(key, "")
    if not isinstance(value, str) or (needed and not value.strip()) or len(value) > limit or _CONTROL.search(value) \
            or (one_line and ("\n" in value or "\t" in value)):
        kind = "one line" if one_line else "text"
        raise ScenarioError(f"{path}: {where}{key}: expected {kind} of 1 to {limit} characters, no control characters")
    return value.strip()


def parse(raw: bytes, path: Path) -> Scenario:
    """A scenario, wholly checked before anything is written for it."""
    import tomllib

    if len(raw) > MAX_FILE:
        raise ScenarioError(f"{path}: {len(raw):,} bytes; a scenario is at most {MAX_FILE:,}")
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ScenarioError(f"{path}: expected UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(f"{path}: not valid TOML: {str(error)[:200]}") from None
    except RecursionError:
        raise ScenarioError(f"{path}: nested too deeply to be a scenario") from None
    known = {"name", "title", "severity", "service", "impact", "impact_before", "summary", "targets", "runbook", "inject", "page",
             "soak_minutes", "answer_within", "needs_levers"}
    for key in data:
        if key not in known:
            raise ScenarioError(f"{path}: {key[:40]}: unknown key; expected one of: {', '.join(sorted(known))}")
    if not isinstance(data.get("page", False), bool):
        raise ScenarioError(f"{path}: page: expected true (the drill pages the roster's people, marked DRILL) or false")
    severity = data.get("severity", "P1")
    if severity not in SEVERITIES:
        raise ScenarioError(f"{path}: severity: expected one of {', '.join(SEVERITIES)}")
    soak = data.get("soak_minutes")
    if soak is not None and (isinstance(soak, bool) or not isinstance(soak, int) or not 0 <= soak <= 1440):
        raise ScenarioError(f"{path}: soak_minutes: expected whole minutes from 0 to 1440 (the soak's minimum length)")
    answer = data.get("answer_within", 10)
    if isinstance(answer, bool) or not isinstance(answer, int) or not 1 <= answer <= 1440:
        raise ScenarioError(f"{path}: answer_within: expected whole minutes from 1 to 1440 (a customer report's answer, by then)")
    needs = data.get("needs_levers", [])
    if not isinstance(needs, list) or len(needs) > 4 or not all(isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= 4
                                                              for n in needs):
        raise ScenarioError(f"{path}: needs_levers: expected a list of lever numbers, 1 to 4, such as [4]")
    targets = {}
    table = data.get("targets", {})
    if not isinstance(table, dict):
        raise ScenarioError(f"{path}: targets: expected a table of minutes")
    for key, minutes in table.items():
        if key not in TARGETS or isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 < minutes <= 1440:
            raise ScenarioError(f"{path}: targets.{key[:40]}: expected one of {', '.join(TARGETS)} = whole minutes (1 to 1440)")
        targets[key] = timedelta(minutes=minutes)
    runbook = data.get("runbook", {})
    if not isinstance(runbook, dict) or len(runbook) > 8 or not all(
            isinstance(v, str) and len(v) <= 2000 and not _CONTROL.search(v) for v in runbook.values()):
        raise ScenarioError(f"{path}: runbook: expected a table of lever = \"command\" (one line each, at most 2000 characters)")
    injects = []
    items = data.get("inject", [])
    if not isinstance(items, list):
        raise ScenarioError(f"{path}: inject: expected [[inject]] tables")
    if len(items) > MAX_INJECTS:
        raise ScenarioError(f"{path}: inject: {len(items):,} injects; a scenario has at most {MAX_INJECTS}")
    for n, item in enumerate(items):
        where = f"inject[{n}]."
        if not isinstance(item, dict):
            raise ScenarioError(f"{path}: inject[{n}]: expected a table")
        kind = item.get("kind")
        if kind not in KINDS:
            raise ScenarioError(f"{path}: {where}kind: expected one of {', '.join(KINDS)}")
        lever = item.get("lever", 0)
        outcome = item.get("outcome", "")
        if kind == "lever" and (not isinstance(lever, int) or not 1 <= lever <= 4 or outcome not in LEVER_OUTCOMES):
            raise ScenarioError(f"{path}: {where}lever: expected lever = 1 to 4 and outcome = \"effective\" or \"no effect\"")
        unknown = set(item) - {"at", "kind", "text", "name", "lever", "outcome", "when", "hat"}
        if unknown:
            raise ScenarioError(f"{path}: {where}{sorted(unknown)[0][:40]}: unknown key; expected at, kind, text, name, lever, "
                                "outcome, when, hat")
        hat = item.get("hat", "")
        if (kind == "unavailable") != bool(hat) or (hat and hat not in HATS):
            raise ScenarioError(f"{path}: {where}hat: an unavailable inject names the hat whose wearer is called away: "
                                f"one of {', '.join(HATS)} (and only it has one)")
        when = None
        if "when" in item:
            try:
                when = parse_condition(_text(item, "when", where, path, 400, one_line=True))
            except ConditionError as error:
                raise ScenarioError(f"{path}: {where}when: {error}") from None
        injects.append(Inject(_at(item.get("at"), f"{where}at", path), kind,
                              _text(item, "text", where, path, needed=kind not in ("lever", "unavailable")),
                              _text(item, "name", where, path, 200, needed=kind == "alert", one_line=True), lever, outcome,
                              when, hat))
    name = _text(data, "name", "", path, 60, one_line=True)
    if not _NAME.match(name):
        raise ScenarioError(f"{path}: name: expected a word of letters, digits, '-', '_', '.' or spaces (at most 60)")
    return Scenario(
        page=data.get("page", False), name=name, title=_text(data, "title", "", path, 300, one_line=True), severity=severity,
        service=_text(data, "service", "", path, 80, needed=False, one_line=True),
        impact=_text(data, "impact", "", path, 300, one_line=True),
        impact_before=_at(data.get("impact_before", "00:00"), "impact_before", path), targets=targets,
        runbook=dict(runbook), injects=tuple(sorted(injects, key=lambda i: i.at)),
        summary=_text(data, "summary", "", path, 300, needed=False, one_line=True), path=path,
        soak=timedelta(minutes=soak) if soak is not None else None, answer_within=timedelta(minutes=answer),
        needs_levers=tuple(dict.fromkeys(needs)))


def valid_name(name: str) -> bool:
    """A scenario's name: a word, no path, no control character."""
    return bool(_NAME.match(name)) and "/" not in name and ".." not in name


def folders(config_folder: Path | None) -> list[Path]:
    """Where scenarios are found: the team's (`drills/` beside the config file) first, then shipped."""
    return ([config_folder / "drills"] if config_folder else []) + [SHIPPED]


def available(config_folder: Path | None = None) -> list[Scenario]:
    """Every scenario by name (a team's file shadows a shipped one of the same name)."""
    found: dict[str, Scenario] = {}
    for folder in folders(config_folder):
        for path in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
            scenario = parse(path.read_bytes(), path)
            found.setdefault(scenario.name, scenario)
    return list(found.values())


def find(name: str, config_folder: Path | None = None) -> Scenario:
    """A scenario by its name, or a file's path."""
    candidate = Path(os.path.expanduser(name))
    if name.endswith(".toml") or candidate.is_file():
        try:
            return parse(candidate.read_bytes(), candidate)
        except OSError as error:
            raise ScenarioError(f"{name}: cannot read it: {error.strerror or error}") from None
    for scenario in available(config_folder):
        if scenario.name == name:
            return scenario
    names = ", ".join(s.name for s in available(config_folder))
    raise ScenarioError(f"no scenario called {name[:60]!r}; there are: {names} (warroom drill --list)")
