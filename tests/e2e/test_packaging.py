"""The README's test command is what CI runs, and the installed package has what it needs."""

import re
from importlib.resources import files
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def readme_commands() -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    return [block.strip() for block in blocks if block.strip().startswith("python3 -m venv")]


def test_ci_runs_exactly_the_readme_test_command():
    install, test = readme_commands()[:2]
    assert "'.[test]'" in test and "pytest" in test
    assert test in (ROOT / ".ci" / "run").read_text().splitlines()
    assert install.endswith(".venv/bin/warroom")


def test_the_stylesheet_is_installed_with_the_package():
    sheet = files("warroom.styles").joinpath("warroom.tcss")
    assert sheet.is_file()
    assert "#countdown" in sheet.read_text()


def test_the_readme_command_line_examples_run_as_written_on_a_fresh_database(tmp_path):
    """Every line of the README's command-line block, in order, through a real shell, with the
    installed warroom on PATH and a fresh HOME and database. The two lines that open the
    full-screen console (bare `warroom`, `warroom demo`) are run without it."""
    import os
    import subprocess
    import sys

    block = next(b for b in re.findall(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
                 if b.startswith("warroom declare"))
    lines = [line.split("  #")[0].strip() for line in block.strip().splitlines()]
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}", "WARROOM_NAME": "alice"}
    env.pop("WARROOM_DB")  # the default database in the (fresh) user data folder, as a newcomer has
    work = tmp_path / "work"
    work.mkdir()
    for line in lines:
        if line == "warroom":
            continue  # the console itself; the tmux tests drive it
        command = line + " --no-console" if line == "warroom demo" else line
        done = subprocess.run(["bash", "-c", command], cwd=work, env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, f"{line!r}: {done.stderr}"
        assert "Traceback" not in done.stderr
    postmortem = (work / "postmortem-inc-1.md").read_text()
    assert postmortem.startswith("# Postmortem draft: INC-1 Login fails with 401") and "logins for every user" in postmortem
    assert (Path(env["HOME"]) / "team.db").exists() and (Path(env["HOME"]) / "every-incident.db").exists()
    assert (Path(env["XDG_CONFIG_HOME"]) / "warroom" / "config.toml").exists()


def test_every_package_folder_is_listed_for_the_install():
    """The packages are listed by hand in pyproject.toml: a new folder left out installs
    without it (an editable install would still find it, so only CI would notice)."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "warroom").rglob("__init__.py")}
    assert found <= listed, f"not in pyproject.toml's packages: {sorted(found - listed)}"


def test_a_missing_system_program_skips_with_its_reason_but_fails_under_ci(monkeypatch):
    import pytest
    from _pytest.outcomes import Failed, Skipped
    from helpers import missing

    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(Skipped, match="tmux is not installed: Debian's tmux"):
        missing("tmux", "Debian's tmux")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(Failed, match="tmux is not installed"):
        missing("tmux", "Debian's tmux")


def test_every_package_of_the_source_is_in_the_package_list():
    """pyproject names the packages one by one: a new folder left off would be missing from a
    non-editable install (CI's), though an editable one finds it."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(path.parent.relative_to(ROOT).parts) for path in (ROOT / "warroom").rglob("__init__.py")}
    assert found <= listed, sorted(found - listed)
