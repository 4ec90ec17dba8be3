"""The pure incident domain: events, the fold, the rules and the policy.

Nothing here does I/O, reads the clock or imports Textual or aiosqlite; a test proves it.
"""
