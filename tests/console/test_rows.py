"""A frame draws the rows that changed (console/rows.py): the same picture as Textual's own
compositor, asking fewer widgets for fewer lines."""

import pytest
from helpers import Clock, at, seed
from helpers.console import settle
from textual._compositor import Compositor
from textual.geometry import Region
from textual.widget import Widget

from warroom.console.launch import make_app
from warroom.console.rows import RowsCompositor
from warroom.domain import actions


def _drawn(compositor: Compositor, crop: Region, own: bool) -> list[list[tuple[int, str, tuple]]]:
    """Each row of `crop` as the compositor would send it: (cut, text, segments) for each piece
    of the row that crosses the crop's columns (the only ones an update writes)."""
    rows = set(range(crop.y, crop.bottom))
    renders = compositor._get_renders if own else (lambda crop: Compositor._get_renders(compositor, crop))
    real = compositor._get_renders
    compositor._get_renders = renders  # type: ignore[method-assign]
    try:
        chops = compositor._render_chops(crop, rows.__contains__)
    finally:
        compositor._get_renders = real  # type: ignore[method-assign]
    written = []
    for y in sorted(rows):
        ends = dict(zip(compositor.cuts[y], compositor.cuts[y][1:], strict=False))
        written.append([(cut, strip.text, tuple(strip)) for cut, strip in sorted(chops[y].items())
                        if strip is not None and cut < crop.right and ends[cut] > crop.x])
    return written


@pytest.mark.parametrize("size", [(80, 24), (60, 20), (120, 40)])
async def test_every_band_of_rows_is_drawn_as_textuals_own_compositor_draws_it(db_file, size):
    await seed(db_file, (actions.set_lever, "alice", 2, 1, "pulled"), (actions.note, "alice", 2, "[red]x[/] 🔥 wide"))
    app = make_app(db_file, clock=Clock(at(3)), actor="alice")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        compositor = app.main_screen._compositor
        assert isinstance(compositor, RowsCompositor)
        width, height = size
        bands = [Region(0, y, width, 1) for y in range(height)] + [Region(3, 2, 20, 5), Region(0, 0, width, height - 1),
                                                                   Region(10, height // 2, 30, height // 2)]
        for crop in bands:
            assert _drawn(compositor, crop, own=True) == _drawn(compositor, crop, own=False), crop


async def test_a_second_of_the_countdown_asks_only_the_widgets_on_its_rows(db_file, monkeypatch):
    await seed(db_file)
    clock = Clock(at(3))
    app = make_app(db_file, clock=clock, actor="alice")
    asked: list[str] = []
    real = Widget.render_lines

    def render_lines(widget, crop):
        asked.append(widget.id or type(widget).__name__)
        return real(widget, crop)

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(Widget, "render_lines", render_lines)
        clock.advance(seconds=1)
        app.tick()
        await pilot.pause()
        await pilot.pause(0.05)
    assert "strip" in asked and "countdown" in asked  # (T+ and the countdown moved: they are drawn)
    assert not {"panes", "keysline", "levers", "path"} & set(asked), asked  # Textual's own asked all of them


async def test_a_line_whose_digits_moved_is_drawn_as_textual_draws_it_without_drawing_it_anew(db_file, monkeypatch):
    from textual.visual import Visual

    from warroom.console.live import LiveText

    await seed(db_file, (actions.note, "alice", 1, "🔥 wide [b]x[/b] at 12:04"))
    clock = Clock(at(3, 55))  # (then past a minute of T+ and of the countdown: 03:59 → 04:00)
    app = make_app(db_file, clock=clock, actor="alice")
    drawn_whole: list[str] = []
    shown: set[str] = set()
    real = Widget._render_content

    def whole(widget):
        drawn_whole.append(widget.id)
        return real(widget)

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(Widget, "_render_content", whole)
        for _ in range(8):
            clock.advance(seconds=1)
            app.tick()
            await pilot.pause()
            for name in ("strip", "countdown"):
                widget = app.main_screen.query_one(f"#{name}", LiveText)
                widget.render_line(0)  # (drawn now if it is to be)
                width, height = widget.size
                assert widget._render_cache.lines == Visual.to_strips(widget, widget._render(), width, height, widget.visual_style)
                shown.add(widget._render_cache.lines[0].text)
    assert len(shown) == 16  # (each second a new T+ and a new countdown)
    assert "strip" not in drawn_whole and "countdown" not in drawn_whole, drawn_whole  # (Textual's way: every second)
