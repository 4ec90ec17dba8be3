"""The README's test command is what CI runs, and the installed package has what it needs."""

import re
from importlib.resources import files
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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
