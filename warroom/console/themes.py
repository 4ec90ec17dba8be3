"""warroom's own theme: high contrast, for bright rooms, tired eyes and poor projectors.

Black and white with saturated yellow, amber, red and green. The countdown picks black or
white text for its tone (styles/warroom.tcss), so the strip, the countdown in every tone and
the levers read at the WCAG AAA contrast ratio of 7:1 or more (tests/test_theme.py measures
it). Chosen with `theme = "high-contrast"` in the config.
"""

from textual.theme import Theme

HIGH_CONTRAST_THEME = Theme(
    name="high-contrast",
    primary="#ffff00",
    secondary="#00ffff",
    accent="#ffff00",
    warning="#ffb000",
    error="#b00000",  # a background under white text (the overdue countdown): 7.4:1
    success="#00ff00",
    foreground="#ffffff",
    background="#000000",
    surface="#000000",
    panel="#1a1a1a",
    boost="#333333",
    dark=True,
    luminosity_spread=0.0,
    text_alpha=1.0,
    variables={
        "text-muted": "#ffffff",
        "text-error": "#ff8080",  # red as text: 7.2:1 on the panel, 8.7:1 on black
        "text-warning": "#ffb000",
        "text-success": "#00ff00",
        "border": "#ffffff",
        "border-blurred": "#c0c0c0",
        "footer-key-foreground": "#ffff00",
        "footer-description-foreground": "#ffffff",
        "block-cursor-background": "#ffff00",
        "block-cursor-foreground": "#000000",
        "input-selection-background": "#ffff00 60%",
    },
)
