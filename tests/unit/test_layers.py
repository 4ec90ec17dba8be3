"""Layers go one way: the domain and the store never import Textual (a fresh interpreter proves it)."""

import subprocess
import sys

import pytest

PURE = ["warroom.domain.model", "warroom.domain.incident", "warroom.domain.actions", "warroom.domain.policy",
        "warroom.domain.describe", "warroom.domain.timefmt", "warroom.domain.text", "warroom.domain.templates",
        "warroom.domain.playbook", "warroom.domain.schema", "warroom.domain.paging", "warroom.domain.public",
        "warroom.domain.announce", "warroom.domain.scoring", "warroom.domain.errors", "warroom.domain.roster",
        "warroom.domain.escalation", "warroom.domain.followups", "warroom.domain.insights", "warroom.domain.practice",
        "warroom.domain.components", "warroom.domain.maintenance"]


@pytest.mark.parametrize("module, forbidden", [
    *[(m, ("textual", "aiosqlite", "sqlite3", "rich")) for m in PURE],
    ("warroom.store", ("textual", "rich", "psycopg")),  # psycopg only when a server is opened
    ("warroom.reports.terminal", ("textual",)),
    ("warroom.cli", ("textual", "aiohttp", "warroom.cli.commands.drill", "warroom.service")),  # a command's module when it runs
    ("warroom.cli.commands.status", ("textual", "aiohttp", "psycopg", "warroom.service", "warroom.console.app",
                                     "warroom.integrations")),  # the status line: what its line needs, no more
    ("warroom.integrations.alerts", ("textual", "aiohttp", "aiosqlite")),
    ("warroom.integrations.webhooks", ("textual", "aiohttp")),  # aiohttp only once it delivers
    ("warroom.integrations.statuspage", ("textual", "aiohttp")),
    ("warroom.drills.injects", ("textual", "aiosqlite")),
    ("warroom.drills.scenario", ("textual", "aiosqlite")),
    ("warroom.console.app", ("aiohttp", "psycopg")),  # the console pays for neither until it needs them
    ("warroom.config", ("textual", "aiosqlite", "tomllib")),  # tomllib only once there is a file to read
    ("warroom.config.text", ("textual", "aiosqlite")),
    ("warroom.moving.exports", ("textual", "aiosqlite")),
])

def test_module_does_not_pull_in(module, forbidden, tmp_path):
    code = f"import sys, {module}; print(','.join(m for m in {forbidden!r} if m in sys.modules))"
    # from another folder: the installed package, not the source tree (whose styles are elsewhere)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path)
    assert done.stdout.strip() == "", f"{module} imported {done.stdout.strip()}"


def test_every_domain_module_is_checked():
    from pathlib import Path

    import warroom.domain

    found = {f"warroom.domain.{p.stem}" for p in Path(warroom.domain.__file__).parent.glob("*.py") if p.stem != "__init__"}
    assert found == set(PURE)


def test_no_import_cycles_among_warroom_modules():
    """Every import of one warroom module by another (at the top, inside a function, or for
    type checkers only) makes a graph without a cycle."""
    import ast
    from pathlib import Path

    import warroom

    root = Path(warroom.__file__).parent
    modules = {}
    for path in root.rglob("*.py"):
        parts = ("warroom",) + path.relative_to(root).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):  # every import: at the top, in a function, or for type checkers only
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("warroom"):
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    graph[name].add(full if full in modules else node.module)
            elif isinstance(node, ast.Import):
                graph[name].update(a.name for a in node.names if a.name.startswith("warroom"))
    on_path: list[str] = []
    done: set[str] = set()

    def visit(name: str) -> None:
        on_path.append(name)
        for target in sorted(graph.get(name, ())):
            assert target not in on_path, "import cycle: " + " → ".join(on_path[on_path.index(target):] + [target])
            if target in graph and target not in done:
                visit(target)
        on_path.pop()
        done.add(name)

    for name in sorted(graph):
        if name not in done:
            visit(name)


def test_every_error_warroom_refuses_with_is_one_root_the_cli_catches():
    """The command line catches one type (and prints one line): each error warroom raises for
    bad input, a rule or a database is a WarroomError."""
    from warroom.config import ConfigError
    from warroom.config.environment import UsageError
    from warroom.domain.actions import RuleBroken
    from warroom.domain.errors import WarroomError
    from warroom.domain.schema import SchemaError
    from warroom.domain.timefmt import TimeError
    from warroom.drills.scenario import ScenarioError
    from warroom.integrations import BadPayload
    from warroom.moving.exports import ImportRefused
    from warroom.store import CommitUnknown, Conflict, StoreError

    for error in (ConfigError, UsageError, RuleBroken, SchemaError, TimeError, ScenarioError, BadPayload, ImportRefused,
                  StoreError, CommitUnknown, Conflict):
        assert issubclass(error, WarroomError), error
