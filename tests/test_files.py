"""The shared file plumbing: one file hash, atomic writes of a file and of a folder."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from cantobatch.files import atomic_directory, atomic_path, atomic_write_text, file_sha256


def test_file_sha256_is_the_sha256_of_the_bytes(tmp_path: Path) -> None:
    path = tmp_path / "a.bin"
    path.write_bytes(b"x" * (3 << 20) + b"tail")
    assert file_sha256(path) == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_file_appears_whole_or_not_at_all(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    atomic_write_text(target, "first")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        assert target.read_text() == "first"  # not yet replaced
        raise RuntimeError("killed mid-write")
    assert target.read_text() == "first"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]  # no temp file left
    with atomic_path(target, fsync=True) as tmp:
        tmp.write_text("second")
    assert target.read_text() == "second"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_a_folder_replaces_the_old_one_whole_or_not_at_all(tmp_path: Path) -> None:
    target = tmp_path / "adapter"
    with atomic_directory(target) as work:
        assert work.parent == tmp_path and not target.exists()
        (work / "weights").write_text("v1")
    assert (target / "weights").read_text() == "v1"
    with pytest.raises(RuntimeError), atomic_directory(target) as work:
        (work / "weights").write_text("v2, half written")
        raise RuntimeError("killed mid-write")
    assert (target / "weights").read_text() == "v1"
    with atomic_directory(target) as work:
        (work / "other").write_text("v3")
    assert sorted(p.name for p in target.iterdir()) == ["other"]  # the old folder is gone
    assert [p.name for p in tmp_path.iterdir()] == ["adapter"]  # and no temp or trash is left
    assert (target.stat().st_mode & 0o777) == 0o755
