"""Export and import: a JSON Lines file of people, orders, NSIs, module sessions,
contacts, Structured Intervention referrals and sign-offs.

The format is described once, as typed classes, in :mod:`probation_desk.services.import_format`
(a strict msgspec decoder parses and type-checks each line in one pass). Import then
checks every record with the same domain rules the window uses and refuses, with its
line, field and reason, any value it would have to change to save; a refused line never
stops the lines after it. Accepted records are saved in batches, each batch one
transaction with one audit row per record. Re-import is idempotent: every record has a
stable reference. Files of older format versions are brought up to the current one
first, then checked just as strictly. The demo generator feeds its records through this
same import.

A module per job: ``reading`` (lines, decoding), ``upgrade`` (older versions), ``checks``
(each record type's rules), ``importer`` (references, batching), ``pipeline`` (writing
batches, in this process or a second one), ``common`` (results, refusals, shared
helpers), ``export``.
"""

from probation_desk.services.transfer.common import (
    FORMAT_VERSION,
    MAX_LINE_BYTES,
    RECORD_TYPES,
    BatchFailed,
    ImportResult,
    Refusal,
)
from probation_desk.services.transfer.export import ExportDamaged, export_file, export_records
from probation_desk.services.transfer.importer import import_file, import_records
from probation_desk.services.transfer.reading import FileRefused, read_records
from probation_desk.services.transfer.upgrade import upgrade

__all__ = ["FORMAT_VERSION", "MAX_LINE_BYTES", "RECORD_TYPES", "BatchFailed", "ExportDamaged",
           "FileRefused", "ImportResult", "Refusal", "export_file", "export_records",
           "import_file", "import_records", "read_records", "upgrade"]
