"""The config file: where it is found, what it changes, and every way it can be broken."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest
from helpers import at, raw_sqlite, run_cli
from hypothesis import given, settings
from hypothesis import strategies as st

from warroom.config import THEMES, Config, ConfigError, load, parse
from warroom.config.text import render
from warroom.domain.playbook import Playbook


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


@pytest.fixture
def user_config(tmp_path) -> Path:
    """Where platformdirs puts it under the test's XDG_CONFIG_HOME."""
    return tmp_path / "home" / "config" / "warroom" / "config.toml"


def test_without_a_file_the_defaults_hold_and_config_says_so(user_config):
    config = load()
    assert (config.path, config.found, config.book) == (user_config, False, Playbook())
    done = run_cli("config")
    assert done.returncode == 0
    assert f"# config file: {user_config}  (not found: the defaults are in effect)" in done.stdout
    assert tomllib.loads(done.stdout)["severity"]["P1"]["update_every"] == 30
    assert "# you are: alice" in done.stdout


def test_the_default_file_reads_back_as_the_defaults(tmp_path):
    done = run_cli("config", "--default")
    assert done.returncode == 0 and done.stdout.startswith("# warroom config.")
    path = write(tmp_path / "c.toml", done.stdout)
    config = load(str(path))
    assert config.found and config.book == Playbook() and config.bell and config.theme == "textual-dark"


def test_config_init_writes_the_default_file_once(user_config):
    done = run_cli("config", "--init")
    assert done.returncode == 0 and str(user_config) in done.stdout
    assert load().found and load().book == Playbook()
    user_config.write_text('name = "mine"\n')
    again = run_cli("config", "--init")
    assert again.returncode == 2 and "a config file is there already" in again.stderr
    assert user_config.read_text() == 'name = "mine"\n'  # never overwritten


def test_config_default_works_even_when_the_file_is_broken(user_config):
    write(user_config, "bell = ")
    assert run_cli("config", "--default").returncode == 0
    assert run_cli("config").returncode == 2


def test_effective_settings_read_back_as_the_same_config(tmp_path):
    path = write(tmp_path / "c.toml", """
name = "dana"
theme = "high-contrast"
levers = ["kill switch", "roll back", "undo migration", "fix data"]
[severity.P1]
deadlines = [{ id = "em", label = "notify the EM", minutes = 5 }, { id = "cn", label = "client notice", minutes = 20, send = "client_notice" }]
no_surprises = "em"
[templates]
status_update = "Still on it: {title} \\"quoted\\" \\\\ back"
[runbooks."Check Out"]
feature_flag = { flag = "new_jwt", command = "flagctl off new_jwt" }
""")
    first = load(str(path))
    printed = run_cli("config", "--config", str(path)).stdout
    again = parse(printed.encode(), Path("again.toml"))
    assert again.book == first.book and (again.name, again.theme) == ("dana", "high-contrast")


def test_flag_beats_environment_beats_the_user_folder(tmp_path, user_config, monkeypatch):
    write(user_config, 'name = "from-folder"')
    write(tmp_path / "env.toml", 'name = "from-env"')
    write(tmp_path / "flag.toml", 'name = "from-flag"')
    assert load().name == "from-folder"
    monkeypatch.setenv("WARROOM_CONFIG", str(tmp_path / "env.toml"))
    assert load().name == "from-env"
    assert load(str(tmp_path / "flag.toml")).name == "from-flag"


def test_the_database_is_the_flag_then_warroom_db_then_the_config(tmp_path, user_config, monkeypatch):
    """A team puts its server in the config once; WARROOM_DB and --db still win. The address is
    never printed with its password."""
    import subprocess

    from helpers import warroom_exe

    team, env_db, flag_db = tmp_path / "team.db", tmp_path / "env.db", tmp_path / "flag.db"
    write(user_config, f'database = "{team}"')
    bare = {k: v for k, v in os.environ.items() if k != "WARROOM_DB"}

    def declare(*extra: str, env: dict = bare) -> None:
        subprocess.run([warroom_exe(), "declare", "x", *extra], env=env, check=True, capture_output=True)

    declare()
    declare(env={**bare, "WARROOM_DB": str(env_db)})
    declare("--db", str(flag_db), env={**bare, "WARROOM_DB": str(env_db)})
    assert team.exists() and env_db.exists() and flag_db.exists()
    listed = subprocess.run([warroom_exe(), "list"], env=bare, capture_output=True, text=True)
    assert listed.stdout.count("INC-") == 1  # the config's file holds one; the others went elsewhere
    write(user_config, 'database = "postgresql://alice:s3cret@db.internal/warroom"')
    printed = subprocess.run([warroom_exe(), "config"], env=bare, capture_output=True, text=True)
    assert printed.returncode == 0 and "s3cret" not in printed.stdout
    assert 'database = "postgresql://alice:***@db.internal/warroom"' in printed.stdout
    assert "# database: postgresql://alice:***@db.internal/warroom" in printed.stdout


def test_the_name_on_the_timeline_comes_from_the_config_unless_warroom_name_is_set(user_config, db_file):
    write(user_config, 'name = "carol"')
    environment = {k: v for k, v in os.environ.items() if k != "WARROOM_NAME"}
    import subprocess

    from helpers import warroom_exe

    subprocess.run([warroom_exe(), "declare", "x", "--severity", "P2"], env=environment, check=True, capture_output=True)
    run_cli("log", "as alice now", "--as", "communicator")  # WARROOM_NAME=alice wins over the file

    with raw_sqlite(db_file) as raw:
        actors = [row[0] for row in raw.execute("SELECT actor FROM event ORDER BY id")]
    assert actors == ["carol", "alice", "alice"]


def test_the_matrix_and_lever_names_from_the_config_are_what_status_and_show_use(user_config):
    write(user_config, """
levers = ["kill switch", "roll back", "undo migration", "fix data"]
[severity.P1]
status_page = "statuspage.io, by hand"
deadlines = [{ id = "em", label = "page the EM", minutes = 5 }]
""")
    assert run_cli("declare", "x", "--severity", "P1", now=at(0)).returncode == 0
    assert run_cli("status", now=at(3)).stdout == "INC-1 P1 T+03:00 · page the EM in 02:00\n"
    shown = run_cli("show", now=at(3)).stdout
    assert "1 kill switch" in shown and "status page statuspage.io, by hand" in shown
    assert "notify engineering manager" not in shown and "update (every 30 min)" in shown


BROKEN = [
    ("bell = ", "line 1, at the end of the file: not valid TOML: invalid value"),
    ("name = 'x'\nbell = tru\n", "line 2, column 8: not valid TOML: invalid value"),
    ('name = "a"\nname = "b"', "not valid TOML: cannot overwrite a value"),
    ('colour = "red"', "colour: unknown key; expected one of: name, database, bell"),
    ('bell = "yes"', 'bell: expected true or false, got str "yes"'),
    ("theme = 'neon'", "theme: expected one of: textual-dark"),
    ('levers = ["a", "b", "c"]', "levers: expected a list of 4 names"),
    ('levers = ["a", "b", "c", ""]', "levers[3]: expected some text"),
    ('name = "eve\\u001b[31m"', "name: expected text without control characters"),
    ("[templates]\nclient_notice = 'Hi {titel}'", "templates.client_notice: unknown placeholder {titel}; expected one of: {title}"),
    ("[templates]\npostcard = 'hi'", "templates.postcard: unknown key; expected one of: client_notice"),
    ("[templates]\nstatus_update = 7", "templates.status_update: expected a string, got int 7"),
    ("[severity.P5]\nstatus_page = 'x'", "severity.P5: unknown key; expected one of: P0, P1, P2, P3"),
    ("[severity.P1]\nupdate_every = '30'", "severity.P1.update_every: expected a whole number of minutes"),
    ("[severity.P1]\nupdate_every = -5", "severity.P1.update_every: expected a whole number of minutes"),
    ("[severity.P1]\ndeadlines = [{ id = 'em', label = 'EM', minutes = '15' }]", "severity.P1.deadlines[0].minutes: expected a whole number"),
    ("[severity.P1]\ndeadlines = [{ label = 'EM' }]", "severity.P1.deadlines[0].id: missing"),
    ("[severity.P1]\ndeadlines = [{ id = 'Em Now', label = 'EM' }]", "severity.P1.deadlines[0].id: expected lower-case letters"),
    ("[severity.P1]\ndeadlines = [{ id = 'a', label = 'A' }, { id = 'a', label = 'B' }]", "severity.P1.deadlines[1].id: expected each id once"),
    ("[severity.P1]\ndeadlines = [{ id = 'a', label = 'A', send = 'telegram' }]", "severity.P1.deadlines[0].send: expected one of: client_notice"),
    ("[severity.P1]\nno_surprises = 'ceo'", "severity.P1.no_surprises: expected the id of one of this severity's notify deadlines (manager, team)"),
    ("[runbooks.checkout]\nrollback = 'kubectl rollout undo'", "runbooks.checkout.rollback: unknown key; expected one of: feature_flag"),
    ("[runbooks.checkout]\nfeature_flag = {}", "runbooks.checkout.feature_flag: expected a command or a link"),
    ("[runbooks.checkout]\nfeature_flag = { command = 5 }", "runbooks.checkout.feature_flag.command: expected a string"),
    ("runbooks = 'all of them'", 'runbooks: expected a table, got str "all of them"'),
    (b"name = 'ok'\nbell = \xff\n", "line 2: expected UTF-8 text"),
    ("bell = [" + "1, " * 5000 + "]", "bell: expected true or false, got list [1, 1, 1"),
    ('"' + "k" * 5000 + '" = 1', "kkkkkkkkkk…: unknown key"),
    # the roster (issue 27): people, roles, paging
    ("[people.bob]\nemail = 'bob at example'", 'people.bob.email: expected an email address, got "bob at example"'),
    ("[people.bob]\nfax = '555'", "people.bob.fax: unknown key; expected one of: email, ntfy, pagerduty, slack"),
    ("[people.bob]\nntfy = 'ntfy.sh/bob'", "people.bob.ntfy: expected a https:// or http:// address"),
    ("[people.bob]\npagerduty = 'R0UTING KEY!'", "people.bob.pagerduty: expected a PagerDuty Events API v2 routing key"),
    ('[people.bob]\nemail = "bob@example.com\\u001b]52;c;x\\u0007"', "people.bob.email: expected text without control characters"),
    ("[people.bob]\n[roles]\nPM = ['zed']", 'roles.PM[0]: expected a person of [people]; "zed" is not one'),
    ("[people.bob]\n[roles]\nPM = 'bob'", 'roles.PM: expected a list of names, got str "bob"'),
    ("[people.bob]\n[roles]\nPM = ['bob', 'bob']", 'roles.PM[1]: expected each name once'),
    ("[paging]\nacknowledge_within = 0", "paging.acknowledge_within: expected minutes from 0.05 to 1440 (0.5 is 30 seconds), got int 0"),
    ("[paging]\nsmtp = 'http://mail.internal'", "paging.smtp: expected a smtp:// or smtps:// address"),
    ("[paging]\npager = 'yes'", "paging.pager: unknown key; expected one of: acknowledge_within, smtp, from, answer_url, pagerduty_url"),
    ("[severity.P1]\ndeadlines = [{ id = 'cn', label = 'CN', send = 'client_notice', roles = ['PM'] }]",
     "severity.P1.deadlines[0].roles: a deadline met by sending a template pages nobody"),
    ("[severity.P1]\ndeadlines = [{ id = 'em', label = 'EM', roles = 'PM' }]", "severity.P1.deadlines[0].roles: expected a list of names"),
]


@pytest.mark.parametrize("text, expected", BROKEN, ids=[e.split(":")[0][:30] for _, e in BROKEN])
def test_a_broken_config_is_one_line_naming_file_and_key_exit_2_nothing_written(tmp_path, db_file, text, expected):
    path = write(tmp_path / "broken.toml", text)
    done = run_cli("--config", str(path), "declare", "x", "--severity", "P1")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and len(done.stderr) < 600, done.stderr
    assert done.stderr.startswith(f"warroom: error: {path}: "), done.stderr
    assert expected in done.stderr, done.stderr
    assert not db_file.exists()  # nothing written
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("command", [[], ["list"], ["status", "--tmux"], ["config"], ["demo", "--no-console"]])
def test_every_command_refuses_a_broken_config(tmp_path, db_file, command):
    path = write(tmp_path / "broken.toml", "bell = 'sometimes'")
    done = run_cli(*command, env={"WARROOM_CONFIG": str(path)})
    assert done.returncode == 2 and "bell: expected true or false" in done.stderr
    assert not db_file.exists()


def test_a_config_path_that_is_missing_or_a_folder_is_refused(tmp_path):
    missing = run_cli("list", "--config", str(tmp_path / "nope.toml"))
    assert missing.returncode == 2 and "nope.toml: no such config file (from --config)" in missing.stderr
    from_env = run_cli("list", env={"WARROOM_CONFIG": str(tmp_path / "nope.toml")})
    assert from_env.returncode == 2 and "(from WARROOM_CONFIG)" in from_env.stderr
    folder = run_cli("list", "--config", str(tmp_path))
    assert folder.returncode == 2 and "is a folder, not a config file" in folder.stderr


def test_an_unreadable_config_is_refused(tmp_path):
    path = write(tmp_path / "secret.toml", "bell = true")
    path.chmod(0)
    done = run_cli("list", "--config", str(path), unprivileged=True)  # runs in CI (root) too
    assert done.returncode == 2 and "cannot read the config file" in done.stderr


def test_windows_line_endings_and_a_byte_order_mark_are_fine():
    config = parse('\ufeffname = "dana"\r\n[templates]\r\nclient_notice = """\r\nHi {title}\r\nbye"""\r\n'.encode(), Path("c.toml"))
    assert config.name == "dana" and config.book.templates["client notice"] == "Hi {title}\nbye"


def test_removing_the_deadlines_of_a_severity_clears_its_no_surprises_rule():
    config = parse(b"[severity.P1]\ndeadlines = [{ id = 'em', label = 'notify EM', minutes = 15 }]", Path("c.toml"))
    assert config.book.policy["P1"].no_surprises == ""
    assert [r.id for r in config.book.policy["P1"].rules] == ["em"]
    assert config.book.policy["P0"] == Playbook().policy["P0"]  # other severities keep the defaults


def test_the_theme_list_is_textuals_builtin_themes_plus_our_own():
    from textual.theme import BUILTIN_THEMES

    assert set(THEMES) == set(BUILTIN_THEMES) | {"high-contrast"}


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from([*"[]{}=\"'.,#\n abc_-PT0123456789", "\ufe0f", "\x1b", "\udcff", "\u202e", "🔥"]),
               max_size=80))
def test_any_text_gives_a_config_or_a_config_error_never_a_crash(text):
    try:
        assert isinstance(parse(text.encode("utf-8", "surrogatepass"), Path("fuzz.toml")), Config)
    except ConfigError as error:
        assert str(error).startswith("fuzz.toml: ") and "\n" not in str(error)


def test_render_escapes_what_a_toml_string_cannot_hold_raw():
    from warroom.config.text import toml_string

    for text in ['say "hi"', "back\\slash", "tab\there", "two\nlines", 'ends with "', "del\x7f", "emoji 🔥 and ‮rtl"]:
        assert tomllib.loads(f"x = {toml_string(text)}")["x"] == text


def test_the_readme_shows_the_default_file_as_it_is():
    import re

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    shown = re.search(r"```toml\n(.*?)```", readme, re.S).group(1)
    expected = render(Config(Path("~/.config/warroom/config.toml"), False), default=True)
    assert shown == expected


def test_every_top_level_key_and_runbook_lever_key_is_in_the_readme_config_table():
    from warroom.domain.playbook import LEVER_KEYS

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for key in ("`name`", "`database`", "`bell`", "`alerts`", "`theme`", "`levers`", "[severity.P0]", "[templates]", "[runbooks.SERVICE]", "[receive]", "[status_page]", "[[webhooks]]", "[followups]", *LEVER_KEYS):
        assert key in readme


def test_the_status_pages_settings_read_back_as_the_same(tmp_path):
    path = write(tmp_path / "c.toml", """
[status_page]
folder = "/srv/status"
title = "Acme status"
components = ["Checkout", "API"]
smtp = "smtp://mail.internal:587"
from = "status@acme.example"
answer_url = "https://warroom.acme.example:9095"
url = "https://status.acme.example"
[status_page.services]
payments = ["Checkout", "API"]
""")
    first = load(str(path))
    printed = run_cli("config", "--config", str(path)).stdout
    again = parse(printed.encode(), Path("again.toml"))
    assert again.status_page == first.status_page and again.mailing.smtp == "smtp://mail.internal:587"


ADDRESSES = [("dana@example.com", True), ("dana+oncall@mail.example.co.uk", True), ("ops@localhost", True),
             ("<dana@example.com>", False), ("Dana <dana@example.com>", False), ('"dana"@example.com', False),
             ("dana@exa_mple.com", False), ("dana@-example.com", False), ("dana@@example.com", False),
             ("bob at example", False), ("d" * 65 + "@example.com", False), ("dana@" + "a" * 250 + ".com", False)]


@pytest.mark.parametrize("address, good", ADDRESSES, ids=[a[:30] for a, _ in ADDRESSES])
def test_a_person_paged_and_a_subscriber_take_the_same_addresses(address, good):
    """Both are mailed through the same SMTP: one rule says what an address is (a person's was
    looser, and took "<dana@example.com>", which a subscriber's refused)."""
    from warroom.cli.commands.subscribers import check_address
    from warroom.domain.actions import RuleBroken

    try:
        parse(f"[people.dana]\nemail = '{address}'".encode(), Path("warroom.toml"))
        person = True
    except ConfigError:
        person = False
    try:
        subscriber = check_address(address) == address
    except RuleBroken:
        subscriber = False
    assert (person, subscriber) == (good, good)
