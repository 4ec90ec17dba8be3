"""A flow runs against a scripted stand-in of the console (`protocol.Console`), with no Textual
app: the questions it asks are answered from a script, its commits recorded."""

import asyncio

from helpers import Book, at
from helpers.scripted import Scripted

from warroom.console import flows
from warroom.console.dialogs import Ask, Choose, Confirm
from warroom.domain import actions
from warroom.domain.model import COMMUNICATOR, PULLED


def test_a_lever_out_of_order_asks_the_reason_and_commits_it_without_an_app():
    console = Scripted(Book(), ["no flag guards this path"])
    asyncio.run(flows.FLOWS["advance_lever"](console, 2))
    assert [type(q) for q in console.asked] == [Ask]
    lever = console.state.lever(2)
    assert lever.state == PULLED and lever.reason == "no flag guards this path"


def test_another_hats_action_with_a_question_of_its_own_says_the_switch_there_and_escape_commits_nothing():
    console = Scripted(Book(), [None])
    asyncio.run(flows.FLOWS["tick_notification"](console))
    [asked] = console.asked
    assert isinstance(asked, Ask) and asked.hint.startswith("As the communicator (you wear the commander hat")
    assert asked.question.startswith("Engineering manager + PM: who was notified?")  # the one due first, at once
    assert len(console.book_of_events.events) == 1  # the declaration alone: not even the switch


def test_the_switch_and_the_tick_are_one_commit():
    console = Scripted(Book(), ["Dana (EM)"])
    commits: list = []
    commit = console.commit

    async def counted(drafts) -> bool:
        commits.append([d.kind for d in drafts])
        return await commit(drafts)

    console.commit = counted  # type: ignore[method-assign]
    asyncio.run(flows.FLOWS["tick_notification"](console))
    assert commits == [["hat worn", "escalation notified"]]
    assert console.state.hat_of("alice") == COMMUNICATOR and "manager" in console.state.notified


def test_an_action_without_a_question_of_its_own_still_asks_to_switch_first():
    console = Scripted(Book(), [False])
    asyncio.run(flows.FLOWS["copy_template"](console))
    assert [type(q) for q in console.asked] == [Confirm]
    assert len(console.book_of_events.events) == 1


def test_tab_on_the_tick_picks_another_notification():
    from warroom.console.dialogs import OTHER

    console = Scripted(Book(), [OTHER, "team", "bob, carol in #inc-auth"])
    asyncio.run(flows.FLOWS["tick_notification"](console))
    assert [type(q) for q in console.asked] == [Ask, Choose, Ask]
    assert set(console.state.notified) == {"team"}


def test_a_lone_investigators_finding_is_acknowledged_and_taken_as_the_root_cause_in_two_enters():
    book = Book()
    book.do(actions.set_lever, "alice", at(2), 1, PULLED)
    console = Scripted(book, ["142 changed the claim format", True, "142 changed the claim format"])
    asyncio.run(flows.FLOWS["finding"](console))
    state = console.state
    assert [type(q) for q in console.asked] == [Ask, Confirm, Ask]
    assert console.asked[2].value == "142 changed the claim format"  # the root cause question comes prefilled
    assert not state.unacknowledged and state.hat_of("alice") == "commander"
    assert "root cause identified" in state.steps


def test_with_another_commander_the_finding_is_left_for_them():
    book = Book()
    book.do(actions.wear_hat, "bob", at(1), "commander", take_over=True)
    console = Scripted(book, ["142 changed the claim format"])
    asyncio.run(flows.FLOWS["finding"](console))
    assert [type(q) for q in console.asked] == [Ask]
    assert len(console.state.unacknowledged) == 1


def test_escape_on_the_root_cause_offer_leaves_the_finding_acknowledged_and_the_path_untouched():
    console = Scripted(Book(), ["142 changed the claim format", True, None])
    asyncio.run(flows.FLOWS["finding"](console))
    assert not console.state.unacknowledged and not console.state.steps


def test_the_resolution_path_says_the_switch_until_the_first_step_puts_the_hat_on():
    book = Book()
    book.do(actions.wear_hat, "alice", at(1), "investigator")
    console = Scripted(book, ["fix tested in staging", None])
    asyncio.run(flows.FLOWS["resolution"](console))
    first, second = console.asked
    assert first.hint.startswith("As the commander (you wear the investigator hat")
    assert second.hint == "Esc closes it" and console.state.hat_of("alice") == "commander"
