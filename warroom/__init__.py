"""warroom: a terminal war-room console for the person on call."""

__version__ = "0.1.0"
