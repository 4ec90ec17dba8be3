"""Drills: practice incidents in the real console. `scenario` reads the TOML files (the shipped
ones in `scenarios/`, the team's in the config folder's `drills/`), `clock` is the drill's scaled
clock, `injects` says what the scenario adds to the timeline as the drill goes on.

A drill's incident is coded DRILL-n (not INC-n), so it is marked as one on the screen, in the
status line and in every export, and it never counts among real incidents (`model.is_drill`)."""
