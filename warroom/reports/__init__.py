"""Reports for people: `terminal` (list, show, the status line) and `postmortem` (the Markdown
draft that warroom export writes)."""
