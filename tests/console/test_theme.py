"""The high-contrast theme: every part of the top of the screen reads at WCAG AAA (7:1)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import Clock, at, seed
from helpers.console import settle

from warroom.config import parse
from warroom.console.launch import make_app

TONES = ("open", "near", "overdue", "clear")


def luminance(colour) -> float:
    def channel(value: int) -> float:
        v = value / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.red) + 0.7152 * channel(colour.green) + 0.0722 * channel(colour.blue)


def contrast(segment) -> float:
    fore, back = sorted((luminance(segment.style.color.get_truecolor()), luminance(segment.style.bgcolor.get_truecolor())), reverse=True)
    return (fore + 0.05) / (back + 0.05)


def worst(widget) -> float:
    """The lowest contrast of any visible character the widget draws on its first lines."""
    found = [contrast(s) for y in range(widget.size.height) for s in widget.render_line(y)
             if s.text.strip() and s.style and s.style.color and s.style.bgcolor]
    return min(found)


@pytest.mark.parametrize("theme, floor", [("high-contrast", 7.0), ("textual-dark", 4.5)])
async def test_the_countdown_strip_and_levers_are_readable_in_every_tone(db_file, theme, floor):
    await seed(db_file)
    app = make_app(db_file, clock=Clock(at(20)), actor="alice", config=parse(f'theme = "{theme}"'.encode(), Path("c.toml")))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.theme == theme
        countdown = app.main_screen.query_one("#countdown")
        for tone in TONES:
            for name in TONES:
                countdown.set_class(name == tone, name)
            await pilot.pause()
            assert worst(countdown) >= floor, tone
        for part in ("#strip", "#levers"):
            assert worst(app.main_screen.query_one(part)) >= floor, part
