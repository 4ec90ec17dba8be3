"""The event log and everything kept beside it; the one way in and out of a database.

`sqlite` is the store on one SQLite file; `reading` the reads that never need a whole log;
`summary` the summary (the fold's snapshot) beside each incident; `tables` the schema and its
migrations; `files` the file itself and what SQLite's errors mean.
"""

from warroom.store.files import StoreError
from warroom.store.reading import Opening
from warroom.store.sqlite import IncidentRow, Store, peek
from warroom.store.tables import MIGRATIONS, SCHEMA_VERSION

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "IncidentRow", "Opening", "Store", "StoreError", "peek"]
