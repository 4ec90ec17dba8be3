"""warroom's own theme: high contrast, for bright rooms, tired eyes and poor projectors.

Pure black and white with saturated yellow, red and green: every text colour reaches the
WCAG AAA contrast ratio (7:1) on the black background. Chosen with `theme = "high-contrast"`.
"""

from textual.theme import Theme

HIGH_CONTRAST_THEME = Theme(
    name="high-contrast",
    primary="#ffff00",
    secondary="#00ffff",
    accent="#ffff00",
    warning="#ffb000",
    error="#ff3030",
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
        "border": "#ffffff",
        "border-blurred": "#c0c0c0",
        "footer-key-foreground": "#ffff00",
        "footer-description-foreground": "#ffffff",
        "block-cursor-background": "#ffff00",
        "block-cursor-foreground": "#000000",
        "input-selection-background": "#ffff00 60%",
    },
)
