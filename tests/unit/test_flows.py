"""A flow runs against a scripted stand-in of the console (`protocol.Console`), with no Textual
app: the questions it asks are answered from a script, its commits recorded."""

import asyncio

from helpers import Book
from helpers.scripted import Scripted

from warroom.console import flows
from warroom.console.dialogs import Ask, Choose, Confirm
from warroom.domain.model import COMMUNICATOR, PULLED


def test_a_lever_out_of_order_asks_the_reason_and_commits_it_without_an_app():
    console = Scripted(Book(), ["no flag guards this path"])
    asyncio.run(flows.FLOWS["advance_lever"](console, 2))
    assert [type(q) for q in console.asked] == [Ask]
    lever = console.state.lever(2)
    assert lever.state == PULLED and lever.reason == "no flag guards this path"


def test_another_hats_action_asks_to_switch_and_escape_commits_nothing():
    console = Scripted(Book(), [False])
    asyncio.run(flows.FLOWS["tick_notification"](console))
    assert [type(q) for q in console.asked] == [Confirm]
    assert len(console.book_of_events.events) == 1  # the declaration alone


def test_the_switch_and_the_tick_are_one_commit():
    console = Scripted(Book(), [True, None])
    asyncio.run(flows.FLOWS["tick_notification"](console))
    assert [type(q) for q in console.asked] == [Confirm, Choose]
    assert console.state.hat_of("alice") != COMMUNICATOR  # Esc on the choice: nothing written, not even the switch
