"""File plumbing every stage shares: a file's sha256, and writes that never leave half a file or
half a folder under the final name (written under a temp name beside it, then renamed)."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
import socket
import stat
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


def open_regular(path: str | Path) -> BinaryIO:
    """``open(path, "rb")`` that never blocks: a file replaced by a FIFO (or a device) after it was
    found raises OSError (EINVAL, "not a regular file …") instead of waiting for a writer."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file (a fifo, socket or device)", str(path))
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def read_regular_bytes(path: str | Path) -> bytes:
    """A regular file's bytes (``open_regular``: never blocks on a FIFO)."""
    with open_regular(path) as handle:
        return handle.read()


def file_sha256(path: str | Path) -> str:
    """The sha256 of a regular file's bytes (hex), read in 1 MiB blocks."""
    with open_regular(path) as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def writer_host() -> str:
    """This machine's name as temp-file names carry it (no dots or dashes)."""
    return socket.gethostname().replace(".", "_").replace("-", "_") or "host"


def temp_tag() -> str:
    """A temp-file suffix unique to this writer: ``tmp-<host>-<pid>-<random>``. Many machines
    may write into one shared output folder, so the pid alone does not name a writer."""
    return f"tmp-{writer_host()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def temp_owner(name: str) -> tuple[str, int] | None:
    """``(host, pid)`` of the writer of a temp file named by ``temp_tag``; None if not one."""
    parts = name.rsplit(".", 1)[-1].split("-")
    if len(parts) == 2 and parts[0] == "tmp" and parts[1].isdigit():
        return writer_host(), int(parts[1])  # the older name, ``.x.tmp-<pid>``: this host's
    if len(parts) != 4 or parts[0] != "tmp" or not parts[2].isdigit():
        return None
    return parts[1], int(parts[2])


@contextlib.contextmanager
def atomic_path(path: str | Path, fsync: bool = False) -> Iterator[Path]:
    """A temp path beside ``path`` to write the file to; when the block ends it is renamed onto
    ``path`` (after an fsync when asked), and removed if the block raises."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{temp_tag()}")
    try:
        yield tmp
        if fsync:
            with open(tmp, "rb") as handle:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_text(path: str | Path, text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8) in one rename."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


@contextlib.contextmanager
def atomic_directory(target: str | Path) -> Iterator[Path]:
    """An empty folder beside ``target`` to fill; when the block ends it replaces ``target`` (an
    older one is moved aside, then deleted), and it is deleted if the block raises. Write a
    completion marker last inside the block: a folder under ``target`` is then always whole."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    work.chmod(0o755)  # mkdtemp makes it private; the result is an ordinary folder
    try:
        yield work
        if target.exists():
            trash = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=target.parent))
            target.rename(trash)  # (onto an empty folder: allowed)
            work.rename(target)
            shutil.rmtree(trash, ignore_errors=True)
        else:
            work.rename(target)
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
