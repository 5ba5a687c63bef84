"""The Reader's parse worker: a child process that turns one file at a time into text.

Every parse (PDF, HTML, text) runs here rather than in the indexing process, so that a per-file
time limit can kill a parse that hangs (a pathological PDF, a page that sends a parser quadratic)
and a crash in native code (pdfium, lxml) costs one file, not the night. Requests and results are
length-prefixed pickles over the child's stdin/stdout (``encode``/``decode``, used by both
sides; the parent is ``cantobatch.ingest.reader``).

A request is ``(kind, payload, source, options)``:

- ``("pdf", path, source, (max_pages, strip_headers, columns))`` → ``PdfResult`` (the worker
  reads the file itself: big PDFs never cross the pipe);
- ``("html" | "text", (data, doc_id), source, ())`` → ``Document``;
- ``("sleep", seconds)`` → no answer: the next parse starts that much later (the tests of the time
  limit send it).

End of input ends the loop.
"""

from __future__ import annotations

import os
import pickle
import struct
import sys
import time

HEADER = struct.Struct("<Q")  # a message's length, before its pickle
# Appended to a child's `python -c` code: once its loop has ended (its output written), exit without
# the interpreter's teardown of pyarrow, pdfium and the grammar (0.1-0.2 s a process, waited for).
QUICK_EXIT = "; import os, sys; sys.stdout.flush(); sys.stderr.flush(); os._exit(0)"


def encode(message) -> bytes:
    """One message as sent over a pipe: its length, then its pickle."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(data)) + data


def decode(body: bytes):
    """The message whose pickle (without the length) is ``body``."""
    return pickle.loads(body)


_MISSING = object()


def read_message(fd: int, missing=_MISSING):
    """The next message on a blocking file descriptor, or ``missing`` (None unless given) at the
    end of input."""
    header = read_exact(fd, HEADER.size)
    if header is None:
        return None if missing is _MISSING else missing
    (length,) = HEADER.unpack(header)
    return decode(read_exact(fd, length))


def read_exact(fd: int, count: int) -> bytes | None:
    """``count`` bytes from ``fd``, or None when the input ends first."""
    chunks, missing = [], count
    while missing:
        chunk = os.read(fd, min(missing, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)


def child_pipe():
    """For a child process that answers on stdout: the real stdout as the protocol's pipe (library
    prints go to stderr from here on), with "ready" already said."""
    out_pipe = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    out_pipe.write(encode("ready"))
    return out_pipe


def parse(kind: str, payload, source: str, options: tuple):
    """One request's result; an unexpected exception becomes the file's ``error`` status."""
    if kind == "pdf":
        from cantobatch.ingest.pdf import PdfResult, extract_pdf

        try:
            return extract_pdf(payload, *options, source=source)
        except Exception as exc:  # one file's unexpected failure must not end the worker
            return PdfResult(status="error", error=f"{source}: {type(exc).__name__}: {exc}")
    from cantobatch.data import Document

    data, doc_id = payload
    try:
        if kind == "html":
            from cantobatch.ingest.html import read_html

            return read_html(data, doc_id=doc_id, source=source)
        from cantobatch.ingest.text import read_text

        return read_text(data, doc_id=doc_id, source=source)
    except Exception as exc:
        return Document(
            doc_id=doc_id,
            source=source,
            kind=kind,
            status="error",
            bytes=len(data),
            error=f"{source}: {type(exc).__name__}: {exc}",
        )


def serve() -> None:
    """The worker loop: read a request from stdin, write its result to stdout, until end of input."""
    # The protocol owns the real stdout; anything a library prints goes to stderr instead.
    out = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    requests = sys.stdin.buffer

    # Imported before "ready": startup is not parse time. The HTML reader (bs4, lxml: 0.13-0.17 s
    # of a parse process's 0.2-0.25 s of imports) is imported by the first HTML file instead:
    # a corpus of PDFs never needs it, and every worker of a run starts a parse process.
    import pypdfium2  # noqa: F401

    import cantobatch.ingest.pdf
    import cantobatch.ingest.text  # noqa: F401

    out.write(encode("ready"))
    while True:
        header = requests.read(HEADER.size)
        if len(header) < HEADER.size:
            return
        (length,) = HEADER.unpack(header)
        request = decode(requests.read(length))
        if request[0] == "sleep":
            time.sleep(request[1])
            continue
        out.write(encode(parse(*request)))
