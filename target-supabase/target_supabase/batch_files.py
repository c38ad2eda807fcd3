"""BATCH messages: the records of a manifest of files, read one line at a time.

The Meltano SDK's BATCH message (`{"type": "BATCH", "stream": ..., "encoding": {"format": "jsonl",
"compression": "gzip" | "none"}, "manifest": [file URLs]}`, https://sdk.meltano.com/en/latest/batch.html)
stands for the records in its files: one JSON object per line, not Singer messages. The target
feeds each of them through the same path as a RECORD message: a record JSON values cannot hold
(nested too deep, NaN or Infinity) is set aside like such a RECORD message's (reader.py). The
SDK also writes `parquet` (with pyarrow); this target reads `jsonl` only and refuses anything
else before reading a file.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator, Mapping
from contextlib import ExitStack
from typing import IO, Any, cast

import fsspec
from singer_sdk.singerlib.exceptions import InvalidInputLine

from target_supabase.reader import (
    RAW_RECORD,
    UNREADABLE,
    UnreadableRecordError,
    decode_record,
    preview,
)

READABLE_FORMATS = ("jsonl",)
READABLE_COMPRESSIONS = ("gzip", "none")
GZIP_MAGIC = b"\x1f\x8b"


class BatchFileError(ValueError):
    """A BATCH message the target cannot read: unknown encoding, missing or malformed file."""


def batch_records(message: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """A RECORD message for every record of the message's files, in order (flagged as the
    reader flags one it cannot read); raises BatchFileError on the first problem (the encoding
    is checked before any file is opened)."""
    stream = message.get("stream")
    compression = _check_encoding(stream, message.get("encoding"))
    manifest = message.get("manifest")
    if not isinstance(manifest, list) or not all(isinstance(url, str) for url in manifest):
        msg = f"BATCH message of stream {stream!r}: `manifest` must be a list of file URLs"
        raise BatchFileError(msg)
    for url in manifest:
        yield from _file_records(stream, url, compression)


def _check_encoding(stream: Any, encoding: Any) -> str:
    if not isinstance(encoding, Mapping):
        msg = f"BATCH message of stream {stream!r} has no `encoding` object"
        raise BatchFileError(msg)
    file_format = encoding.get("format")
    compression = encoding.get("compression") or "none"
    if file_format not in READABLE_FORMATS or compression not in READABLE_COMPRESSIONS:
        msg = (
            f"BATCH message of stream {stream!r}: files in format {file_format!r} with "
            f"compression {compression!r} cannot be read; target-supabase reads format "
            "'jsonl' with compression 'gzip' or 'none' (set the tap's batch_config encoding, "
            "or turn batch_config off)"
        )
        raise BatchFileError(msg)
    return str(compression)


def _file_records(stream: Any, url: str, compression: str) -> Iterator[dict[str, Any]]:
    for number, line in enumerate(_lines(stream, url, compression), start=1):
        if not line.strip():
            continue
        try:
            record = decode_record(line)
        except InvalidInputLine as exc:
            msg = f"BATCH file {url} of stream {stream!r}, line {number}: {exc}"
            raise BatchFileError(msg) from None
        except UnreadableRecordError as exc:
            raw = line.decode(errors="replace").strip()
            yield {
                "type": "RECORD",
                "stream": stream,
                "record": {},
                UNREADABLE: exc.reason,
                RAW_RECORD: raw,
            }
            continue
        if not isinstance(record, dict):
            msg = (
                f"BATCH file {url} of stream {stream!r}, line {number}: a record must be a "
                f"JSON object: {preview(line)}"
            )
            raise BatchFileError(msg)
        yield {"type": "RECORD", "stream": stream, "record": record}


def _lines(stream: Any, url: str, compression: str) -> Iterator[bytes]:
    """The file's lines, decompressed. Only opening and reading are guarded here: read errors
    (missing file, bad gzip) become BatchFileError naming the file and the stream."""
    with ExitStack() as files:
        try:
            handle: IO[bytes] = files.enter_context(fsspec.open(url, "rb"))
            if compression == "gzip" or _gzipped(handle):
                unzipped = files.enter_context(gzip.GzipFile(fileobj=handle, mode="rb"))
                handle = cast(IO[bytes], unzipped)
        except (OSError, ValueError) as exc:
            raise _unreadable(stream, url, exc) from None
        while True:
            try:
                line = handle.readline()
            except (OSError, EOFError, ValueError) as exc:
                raise _unreadable(stream, url, exc) from None
            if not line:
                return
            yield line


def _gzipped(handle: IO[bytes]) -> bool:
    """Whether the file is gzip, whatever its message says: the Meltano SDK gzips every jsonl
    batch file and still declares the configured compression, `none` included ("TODO: Determine
    compression from config", singer_sdk/contrib/batch_encoder_jsonl.py, SDK 0.54). No JSON
    text starts with gzip's magic bytes 1f 8b (a control character)."""
    start = handle.read(2)
    handle.seek(0)
    return start == GZIP_MAGIC


def _unreadable(stream: Any, url: str, exc: BaseException) -> BatchFileError:
    return BatchFileError(f"BATCH file {url} of stream {stream!r} cannot be read: {exc}")
