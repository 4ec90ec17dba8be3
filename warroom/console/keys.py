"""The console's keys, in one table: the screen binds them, the footer and the help show them,
the command palette offers them. Each writing key's action is `flow('name', ...)`: a flow in
`flows.FLOWS` (a test checks every one is there)."""

from __future__ import annotations

from textual.binding import Binding, BindingType

READING_FLOWS = {"switch_incident", "copy_runbook", "read_message"}  # what a read-only console may still do
HATS_GROUP = Binding.Group("Hats", compact=True)  # c m i: one entry in the footer

KEYS: list[BindingType] = [  # the footer shows them in this order: ? first, so it is there at any width
    Binding("question_mark", "help", "Keys", key_display="?", tooltip="Show every key", id="help"),
    Binding("c", "flow('wear', 'commander')", "Commander", tooltip="Wear the commander hat: decide, hold the timeline", id="hat.commander", group=HATS_GROUP),
    Binding("m", "flow('wear', 'communicator')", "Communicator", tooltip="Wear the communicator hat: status page, client and internal comms", id="hat.communicator", group=HATS_GROUP),
    Binding("i", "flow('wear', 'investigator')", "Investigator", tooltip="Wear the investigator hat: look at the data, report findings", id="hat.investigator", group=HATS_GROUP),
    Binding("1", "flow('advance_lever', 1)", "Levers", key_display="1-4", tooltip="Advance lever 1, feature flag off: untried → pulled → effective / no effect", id="lever.1"),
    Binding("2", "flow('advance_lever', 2)", "Lever 2", show=False, tooltip="Advance lever 2, deploy rollback", id="lever.2"),
    Binding("3", "flow('advance_lever', 3)", "Lever 3", show=False, tooltip="Advance lever 3, migration rollback", id="lever.3"),
    Binding("4", "flow('advance_lever', 4)", "Lever 4", show=False, tooltip="Advance lever 4, data correction", id="lever.4"),
    Binding("x", "flow('skip_lever')", "Skip lever", show=False, tooltip="Skip a lever, with the reason", id="lever.skip"),
    Binding("l", "flow('copy_runbook')", "Copy lever cmd", show=False, tooltip="Copy the command behind a lever, from the service's runbook in the config", id="lever.runbook"),
    Binding("w", "flow('set_impact')", "Impact", show=False, tooltip="Say who or what is affected and the public title customers read (commander); messages say them", id="impact"),
    Binding("v", "flow('name_service')", "Service", show=False, tooltip="Name the affected service (commander); its runbook shows beside the levers", id="service"),
    Binding("u", "flow('correct_lever')", "Correct lever", show=False, tooltip="Put a mistaken lever press right (a new event; the old stays)", id="lever.correct"),
    Binding("n", "flow('note')", "Note", tooltip="Write a note on the timeline as the hat you wear", id="note"),
    Binding("f", "flow('finding')", "Finding", tooltip="Report a finding to the commander (investigator)", id="finding"),
    Binding("a", "flow('acknowledge')", "Ack finding", tooltip="Acknowledge the oldest finding waiting (commander)", id="finding.ack"),
    Binding("y", "flow('copy_template')", "Copy message", tooltip="Copy the message that is due, then record it as sent (communicator)", id="comms.copy"),
    Binding("t", "flow('tick_notification')", "Tick notified", tooltip="Tick the notification due first as done, with who was told; Tab picks another (communicator)", id="comms.tick"),
    Binding("d", "flow('read_message')", "Read due message", show=False, tooltip="Read the due message whole, as y would copy it now (any hat)", id="comms.read"),
    Binding("e", "flow('edit_template')", "Edit message", show=False, tooltip="Edit the due message before copying it; the edited text is recorded (communicator)", id="comms.edit"),
    Binding("space", "pause_drill", "Pause drill", key_display="space", show=False, tooltip="Pause a drill's clock, or go on (warroom drill); it goes on the timeline, and the scorecard counts pauses past 2 min", id="drill.pause"),
    Binding("C", "flow('set_components')", "Components", key_display="C", show=False, tooltip="Say which status page components it affects, and their state on the page if not the derived one (communicator)", id="comms.components"),
    Binding("P", "flow('publish')", "Publish", key_display="P", tooltip="Publish the status page now (communicator): by hand for a P1; a P0's publishes by itself", id="comms.publish"),
    Binding("r", "flow('resolution')", "Resolve", tooltip="The resolution path: root cause, staging, deploy, flag back on, soak, resolve (or reopen)", id="resolve"),
    Binding("k", "flow('correct_milestone')", "Correct time", show=False, tooltip="Correct a milestone afterwards, as a new event (e.g. a back-dated impact start)", id="milestone"),
    Binding("o", "flow('followup')", "Follow-up", show=False, tooltip="Add a follow-up: what, its owner (you unless typed), a due date (commander)", id="followup"),
    Binding("O", "flow('close_followup')", "Close follow-up", key_display="O", show=False, tooltip="Close a follow-up (what was done, a link), or reopen one", id="followup.close"),
    Binding("p", "flow('switch_incident')", "Incidents", show=False, tooltip="Pick another incident to work", id="incidents"),
    Binding("s", "flow('severity')", "Severity", tooltip="Change the severity (commander); deadlines are recomputed", id="severity"),
]


# The footer shows ?, the hats, and the keys of the hat worn (by binding id); the others' keys
# still work (they ask to switch hats first) and ? lists every key.
FOOTER_OF_HAT: dict[str | None, tuple[str, ...]] = {
    "commander": ("lever.1", "finding.ack", "resolve", "severity"),
    "communicator": ("comms.copy", "comms.tick", "comms.publish"),  # d reads a message too long for the pane
    "investigator": ("note", "finding"),
    None: (),
}


def help_text() -> str:
    rows = [f"  {'?' if b.key == 'question_mark' else b.key:<4} {b.tooltip}" for b in KEYS if isinstance(b, Binding)]
    return "\n".join(["warroom keys", "", *rows, "  ↑↓   Select a row of the timeline; Enter (or a click) shows it whole",
                      "  ^q   Quit (every action is already saved)",
                      "", "  ctrl+p opens the command palette: every action is there too."])
