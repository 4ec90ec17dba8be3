"""What the status line and the first frame shed (issue 26) still gives the same answers: the
user folders read without platformdirs, the parser that builds only the subcommand named, and
text made safe without compiling its patterns for printable text."""

import re

import platformdirs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from warroom.cli.arguments import named_command, parser
from warroom.config.environment import user_folder
from warroom.domain.text import html_text, safe

ENVIRONMENTS = [
    {},
    {"XDG_DATA_HOME": "/x/data", "XDG_CONFIG_HOME": "/x/config", "XDG_STATE_HOME": "/x/state"},
    {"XDG_DATA_HOME": "relative", "XDG_CONFIG_HOME": "", "XDG_STATE_HOME": "  "},  # not absolute: ignored
    {"HOME": "/home/someone"},
    {"HOME": "relative-home"},  # left to platformdirs itself
]


@pytest.mark.parametrize("environment", ENVIRONMENTS)
@pytest.mark.parametrize("kind", ["data", "config", "state"])
def test_the_user_folders_are_where_platformdirs_puts_them(monkeypatch, environment, kind):
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    expected = getattr(platformdirs, f"user_{kind}_dir")("warroom", appauthor=False)
    assert str(user_folder(kind)) == expected


ARGUMENTS = [
    [], ["status", "--tmux"], ["--db", "status", "status"], ["--db=x.db", "list", "--open"], ["--read-only"],
    ["--config", "c.toml", "declare", "Login fails", "--severity", "P0"], ["drill", "--list"], ["log", "a note", "--as", "commander"],
]


@pytest.mark.parametrize("argv", ARGUMENTS)
def test_the_parser_of_the_named_command_reads_its_arguments_as_the_whole_parser_does(argv):
    assert parser(argv).parse_args(argv) == parser().parse_args(argv)


def test_only_the_named_command_is_built_and_all_of_them_for_help_or_an_unknown_word():
    assert named_command(["--db", "status", "list"]) == "list"  # --db's value is not the command
    assert named_command(["--read-only"]) == ""  # the console: none
    assert named_command(["--help"]) is None and named_command(["nosuch"]) is None
    built = lambda argv: set(parser(argv)._subparsers._group_actions[0].choices)  # noqa: E731
    assert built(["status", "--tmux"]) == {"status"}
    assert built([]) == set()
    assert {"status", "declare", "copy", "config"} <= built(["--help"])


@given(st.text(st.one_of(st.characters(exclude_categories=()), st.sampled_from("\x1b\x85\x7f\u202e\u2066\ud800\n\t#<"))))
def test_safe_text_is_what_the_patterns_make_of_it(text):
    """The shortcut for printable text changes nothing: every character the patterns would
    touch is unprintable, and the result equals the patterns' own."""
    controls = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
    bidi = re.compile("[\u202a-\u202e\u2066-\u2069]")
    clean = re.sub("[\ud800-\udfff]", "\ufffd", text)

    def picture(match):
        code = ord(match.group())
        return chr(0x2400 + code) if code < 0x20 else "\u2421" if code == 0x7F else f"\\x{code:02x}"

    expected = bidi.sub(lambda m: f"\\u{ord(m.group()):04x}", controls.sub(picture, clean))
    assert safe(text) == expected
    assert "<" not in html_text(text)
