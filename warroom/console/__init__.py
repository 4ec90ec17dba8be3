"""The Textual console: screens and widgets over the store. Widgets never touch SQL."""
