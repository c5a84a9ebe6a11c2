"""Export formats: CSV, JSON and XLSX writers turning rows into bytes, chunk by chunk.

Every writer takes ``columns`` (``rows.Column``: a key for JSON, a header for CSV and XLSX) and
an iterable of rows (one sequence of values per line, in column order), and returns an iterator
of byte chunks, so a response can stream them and memory stays flat. ``export()`` joins the
article rows of ``articles.exports.rows`` to a format. The CSV writer is the one the donor
report and the newsletter's subscriber export use too: ``safe_cells()`` is the one place that
keeps a spreadsheet from running a cell as a formula.
"""

import csv
import io
import itertools
import json
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.utils import timezone

from articles.exports.rows import BATCH_SIZE, get_columns, iter_rows

CHUNK_BYTES = 64 * 1024

# What a spreadsheet reads as the start of a formula (OWASP's list for CSV injection).
_FORMULA_CHARS = frozenset(("=", "+", "-", "@", "\t", "\r"))
# Control characters XML (so XLSX) cannot hold.
_ILLEGAL_XML = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def safe_cells(values):
    """The cells of one row as a spreadsheet will show, never run, them: text that starts with
    = + - @, tab or carriage return gets a leading apostrophe. Numbers and dates stay as they
    are. A whole row per call, because this runs for every cell of every export."""
    return ["'" + v if isinstance(v, str) and v[:1] in _FORMULA_CHARS else v for v in values]


def safe_cell(value):
    """One cell as ``safe_cells()`` makes it."""
    return safe_cells((value,))[0]


def _chunked_text(pieces: Iterable[str]) -> Iterator[bytes]:
    buffer = []
    size = 0
    for text in pieces:
        buffer.append(text)
        size += len(text)
        if size >= CHUNK_BYTES:
            yield "".join(buffer).encode("utf-8")
            buffer, size = [], 0
    if buffer:
        yield "".join(buffer).encode("utf-8")


# Excel on Windows reads a CSV without a byte-order mark as ANSI and garbles Cyrillic; the people
# who download CSVs open them in Excel, so every CSV has one unless a caller (a pipe) says not.
CSV_BOM = True


def write_csv(columns, rows, bom=CSV_BOM):
    """CSV in UTF-8, with a BOM by default so Excel reads Cyrillic and Kazakh correctly."""
    line = io.StringIO()
    writer = csv.writer(line)

    def lines():
        if bom:
            yield "\ufeff"
        for values in itertools.chain([[c.header for c in columns]], rows):
            writer.writerow(safe_cells(values))
            yield line.getvalue()
            line.seek(0)
            line.truncate()

    return _chunked_text(lines())


def write_json(columns, rows, bom=False):
    """A JSON array of objects keyed by column key; values as they are (no spreadsheet here)."""
    keys = [column.key for column in columns]

    def parts():
        yield "["
        for n, values in enumerate(rows):
            yield ("\n" if n == 0 else ",\n") + json.dumps(
                dict(zip(keys, values, strict=True)), ensure_ascii=False
            )
        yield "\n]\n"

    return _chunked_text(parts())


def write_xlsx_sheets(sheets):
    """An XLSX workbook of ``(title, columns, rows)`` sheets, built with openpyxl's write-only
    mode (rows go straight to a temporary file) and streamed from disk."""
    from openpyxl import Workbook  # only exports need it; keeps start-up light

    workbook = Workbook(write_only=True)
    for title, columns, rows in sheets:
        sheet = workbook.create_sheet(title[:31])
        sheet.append([column.header for column in columns])
        for values in rows:
            # Characters XML cannot hold go first, so none can hide a formula from the check.
            sheet.append(
                safe_cells(_ILLEGAL_XML.sub("", v) if isinstance(v, str) else v for v in values)
            )
    with tempfile.TemporaryFile() as handle:
        workbook.save(handle)
        handle.seek(0)
        while chunk := handle.read(CHUNK_BYTES):
            yield chunk


def write_xlsx(columns, rows, bom=False, title="Publications"):
    return write_xlsx_sheets([(title, columns, rows)])


@dataclass(frozen=True)
class Format:
    extension: str
    content_type: str
    write: Callable[..., Iterator[bytes]]


FORMATS = {
    "csv": Format("csv", "text/csv; charset=utf-8", write_csv),
    "xlsx": Format(
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        write_xlsx,
    ),
    "json": Format("json", "application/json; charset=utf-8", write_json),
}


def export(queryset, fmt, base_url="", bom=CSV_BOM, batch_size=BATCH_SIZE):
    """The export of ``queryset`` in format ``fmt`` ("csv", "xlsx", "json"), as byte chunks."""
    columns = get_columns()
    return FORMATS[fmt].write(columns, iter_rows(queryset, base_url, batch_size), bom=bom)


def filename(stem, fmt, today=None):
    """A download name such as ``articles-2026-11-29.csv``."""
    return f"{stem}-{(today or timezone.localdate()).isoformat()}.{FORMATS[fmt].extension}"
