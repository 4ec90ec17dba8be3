"""Drill scenario files are untrusted input (issue 23, failure 14): limits, the file and key
named in one line, nothing written before the scenario is valid, names printed safely."""

import pytest
from helpers import run_cli

GOOD = '''name = "cache-stampede"
title = "Product pages time out"
severity = "P1"
impact = "product pages for every shopper"
'''


def scenario(tmp_path, text: str | bytes):
    path = tmp_path / "scenario.toml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def refused(path, db_file, *words: str) -> str:
    done = run_cli("drill", str(path))
    assert done.returncode == 2, done.stderr
    line = done.stderr.strip()
    assert len(line.splitlines()) == 1 and "internal error" not in line
    assert str(path) in line
    for word in words:
        assert word in line
    assert "\x1b" not in line and "\r" not in line
    assert not db_file.exists()  # nothing written, not even an empty database
    return line


def test_a_deeply_nested_scenario_is_one_line_naming_the_file(tmp_path, db_file):
    refused(scenario(tmp_path, GOOD + "x = " + "[" * 2000 + "]" * 2000 + "\n"), db_file, "nested too deeply")


def test_a_name_with_a_carriage_return_names_the_file_and_key_and_writes_nothing(tmp_path, db_file):
    refused(scenario(tmp_path, GOOD.replace('"cache-stampede"', '"cache\\rstampede"')), db_file, "name")


def test_a_name_with_an_escape_or_a_path_is_refused(tmp_path, db_file):
    refused(scenario(tmp_path, GOOD.replace('"cache-stampede"', '"\\u001b[31mred"')), db_file, "name")
    refused(scenario(tmp_path, GOOD.replace('"cache-stampede"', '"../../etc/passwd"')), db_file, "name")


def test_too_many_injects_or_too_large_a_file_is_refused_before_parsing(tmp_path, db_file):
    many = GOOD + '[[inject]]\nat = "00:30"\nkind = "exec"\ntext = "status?"\n' * 100_000
    refused(scenario(tmp_path, many), db_file, "at most")
    few_but_many = GOOD + '[[inject]]\nat = "00:30"\nkind = "exec"\ntext = "?"\n' * 501
    refused(scenario(tmp_path, few_but_many), db_file, "inject", "at most 500")


def test_names_printed_by_drill_list_are_terminal_safe(tmp_path):
    config = tmp_path / "home" / "config" / "warroom"
    (config / "drills").mkdir(parents=True)
    (config / "drills" / "mine.toml").write_text(GOOD.replace("Product pages time out", "Pages \u202e time out"))
    done = run_cli("drill", "--list")  # a bidi override in a team's file: that file is named, nothing raw printed
    assert done.returncode == 2 and "mine.toml: title" in done.stderr
    assert "\u202e" not in done.stdout + done.stderr
    (config / "drills" / "mine.toml").write_text(GOOD)
    done = run_cli("drill", "--list")
    assert done.returncode == 0 and "cache-stampede" in done.stdout


@pytest.mark.parametrize("field", ["title", "impact"])
def test_a_control_character_in_a_one_line_field_is_refused(tmp_path, db_file, field):
    text = GOOD.replace('title = "Product pages time out"', 'title = "Product\\u0007 pages"') if field == "title" else \
        GOOD.replace('"product pages for every shopper"', '"shoppers\\nand more"')
    refused(scenario(tmp_path, text), db_file, field)


def test_a_scenario_pages_only_when_it_says_page_true(tmp_path):
    from pathlib import Path

    from warroom.drills.scenario import ScenarioError, parse

    base = 'name = "x"\ntitle = "X fails"\nimpact = "every shopper"\n'
    assert parse(base.encode(), Path("x.toml")).page is False
    assert parse((base + "page = true\n").encode(), Path("x.toml")).page is True
    with pytest.raises(ScenarioError, match="x.toml: page: expected true"):
        parse((base + 'page = "yes"\n').encode(), Path("x.toml"))


@pytest.mark.parametrize("line, key", [
    ("soak_minutes = -1", "soak_minutes"), ("soak_minutes = true", "soak_minutes"), ("soak_minutes = 5000", "soak_minutes"),
    ("answer_within = 0", "answer_within"), ("answer_within = \"soon\"", "answer_within"),
    ("needs_levers = [5]", "needs_levers"), ("needs_levers = 4", "needs_levers"), ("needs_levers = [1, 2, 3, 4, 1]", "needs_levers"),
])
def test_each_new_scenario_key_is_checked_in_one_line_naming_the_file_and_key(tmp_path, db_file, line, key):
    refused(scenario(tmp_path, GOOD + line + "\n"), db_file, key)


@pytest.mark.parametrize("inject, key", [
    ('[[inject]]\nat = "10:00"\nkind = "exec"\ntext = "x"\nwhen = "__import__(\'os\').system(\'id\')"\n', "inject[0].when"),
    ('[[inject]]\nat = "10:00"\nkind = "exec"\ntext = "x"\nwhen = 3\n', "inject[0].when"),
    ('[[inject]]\nat = "10:00"\nkind = "exec"\ntext = "x"\nif = "not contained"\n', "inject[0].if"),
])
def test_an_injects_condition_is_checked_in_one_line_naming_the_file_and_key(tmp_path, db_file, inject, key):
    refused(scenario(tmp_path, GOOD + inject), db_file, key)


@pytest.mark.parametrize("inject", [
    '[[inject]]\nat = "05:00"\nkind = "unavailable"\n',  # no hat named
    '[[inject]]\nat = "05:00"\nkind = "unavailable"\nhat = "pilot"\n',
    '[[inject]]\nat = "05:00"\nkind = "exec"\ntext = "x"\nhat = "investigator"\n',  # only an unavailable names a hat
])
def test_an_unavailable_inject_names_a_hat_and_only_it_does(tmp_path, db_file, inject):
    refused(scenario(tmp_path, GOOD + inject), db_file, "inject[0].hat")


def test_a_hundred_thousand_injects_are_refused_before_anything_is_parsed(tmp_path, db_file):
    many = GOOD + '[[inject]]\nat = "00:10"\nkind = "exec"\ntext = "x"\n' * 100_000
    refused(scenario(tmp_path, many), db_file, "bytes")
