"""Moving incidents between places: `copying` every incident into another database (warroom copy),
and `exports`, the export file that warroom export writes and warroom import reads."""
