"""Who is who (issue 27, first step): the roster in the config, read back the same from
`warroom config`, which says for each role of the matrix whether it can be paged."""

from pathlib import Path

from helpers import run_cli

from warroom.config import Config, load, parse
from warroom.domain.policy import POLICY

TEAM = """
[people.bob]
email = "bob@example.com"
ntfy = "https://ntfy.example.com/bob-pager"
[people.carol]
slack = "https://hooks.slack.com/services/T0/B0/X"
[people.dave]
[people.frank]
email = "frank@example.com"
[people."Erin O'Neil"]
email = "erin@example.com"
pagerduty = "R0UTINGKEY"

[roles]
"engineering manager" = ["bob", "carol"]
PM = ["dave"]
leadership = ["Erin O'Neil"]
"team lead" = ["frank"]

[paging]
acknowledge_within = 3
from = "warroom@example.com"
answer_url = "https://warroom.example.com:9095"

[severity.P2]
deadlines = [{ id = "pm", label = "notify PM and the EM", minutes = 15, roles = ["PM", "engineering manager"] }]
"""


def test_the_matrix_pages_the_seeds_roles_by_default():
    roles = {rule.id: rule.roles for policy in POLICY.values() for rule in policy.rules}
    assert roles["leadership"] == ("leadership", "on-call") and roles["manager"] == ("engineering manager", "PM")
    assert roles["pm"] == ("PM",) and roles["team-lead"] == ("team lead",)
    assert roles["client-notice"] == ()  # a message sent pages nobody


def test_a_roster_is_read_and_printed_back_the_same_but_a_routing_key(tmp_path):
    path = tmp_path / "team.toml"
    path.write_text(TEAM)
    config = load(str(path))
    roster = config.roster
    assert roster.roles["engineering manager"] == ("bob", "carol")  # in the order they are paged
    assert roster.people["bob"].channels == ("email", "ntfy") and roster.people["dave"].channels == ()
    assert (roster.paging.acknowledge_within, roster.paging.sender) == (3, "warroom@example.com")
    assert config.book.policy["P2"].rules[0].roles == ("PM", "engineering manager")
    printed = run_cli("config", "--config", str(path)).stdout
    assert "R0UTINGKEY" not in printed and "# pagerduty: set (not shown)" in printed
    again = parse(printed.encode(), Path("again.toml"))
    assert again.book == config.book and again.roster.roles == roster.roles and again.roster.paging == roster.paging
    assert again.roster.people["Erin O'Neil"].email == "erin@example.com" and not again.roster.people["Erin O'Neil"].pagerduty


def test_config_names_every_role_of_the_matrix_that_cannot_be_paged(tmp_path):
    path = tmp_path / "team.toml"
    path.write_text(TEAM)
    lines = [line for line in run_cli("config", "--config", str(path)).stdout.splitlines() if "page" in line and line.startswith("#")]
    assert "# can page engineering manager: bob (email, ntfy), carol (slack)" in lines
    assert "# cannot page PM: dave has no channel (email, ntfy, pagerduty or slack)" in lines
    assert "# cannot page on-call: nobody (add it to [roles])" in lines
    assert "# can page leadership: Erin O'Neil (email, pagerduty)" in lines
    assert "# cannot page team lead: frank has only email, and [paging] names no smtp server" in lines


def test_without_a_roster_notify_deadlines_are_ticked_by_hand(tmp_path):
    assert not Config(tmp_path / "none.toml", found=False).roster.people
    printed = run_cli("config").stdout  # (the tests' own user folders: no config file there)
    assert "# paging: no roster ([people], [roles]): notify deadlines are ticked by hand (t)" in printed
