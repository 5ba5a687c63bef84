"""The LLM result cache: a rerun, or a second corpus with the same passages, asks the engine nothing.

SQLite, one row per (passage text, model, adapter, prompt, decoding settings) — the ``setting`` is a
hash of everything but the passage text, so one table holds results of many configurations. Greedy
decoding is deterministic, so failures (an answer still truncated after the retry) are cached too.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

from cantobatch.data import sha256_hex
from cantobatch.errors import CantobatchError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    setting TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    raw TEXT,
    error TEXT,
    finish_reason TEXT,
    prompt_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    retried INTEGER NOT NULL,
    PRIMARY KEY (setting, text_hash)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS settings (setting TEXT PRIMARY KEY, description TEXT NOT NULL);
"""


@dataclass(frozen=True)
class CachedResult:
    raw: str | None
    error: str | None
    finish_reason: str | None
    prompt_tokens: int
    output_tokens: int
    retried: bool


def setting_key(setting: dict[str, str]) -> str:
    """Hash of the model/adapter/prompt/decoding description (everything but the passage)."""
    return sha256_hex(json.dumps(setting, sort_keys=True), 32)


def text_key(text: str) -> str:
    return sha256_hex(text, 32)


class ResultCache:
    """A small SQLite key-value store; safe to share between threads of one process."""

    def __init__(self, path: str | Path, setting: dict[str, str]) -> None:
        self.path = Path(path)
        self.setting = setting_key(setting)
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(self.path), check_same_thread=False, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(_SCHEMA)
            self._db.execute(
                "INSERT OR IGNORE INTO settings VALUES (?, ?)",
                (self.setting, json.dumps(setting, sort_keys=True)),
            )
            self._db.commit()
        except sqlite3.Error as exc:
            raise CantobatchError(
                f"cannot open the LLM result cache {self.path}: {exc}; delete the file or set "
                f"llm.cache = false"
            ) from exc

    def get_many(self, texts: list[str]) -> dict[str, CachedResult]:
        """Cached results by text hash for the texts that have one."""
        keys = sorted({text_key(t) for t in texts})
        found: dict[str, CachedResult] = {}
        with self._lock:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    "SELECT text_hash, raw, error, finish_reason, prompt_tokens, output_tokens, "
                    f"retried FROM results WHERE setting = ? AND text_hash IN ({marks})",
                    (self.setting, *chunk),
                )
                for key, raw, error, finish, ptok, otok, retried in rows:
                    found[key] = CachedResult(raw, error, finish, ptok, otok, bool(retried))
        return found

    def put_many(self, items: list[tuple[str, CachedResult]]) -> None:
        rows = [
            (
                self.setting,
                text_key(text),
                r.raw,
                r.error,
                r.finish_reason,
                r.prompt_tokens,
                r.output_tokens,
                int(r.retried),
            )
            for text, r in items
        ]
        with self._lock:
            self._db.executemany("INSERT OR REPLACE INTO results VALUES (?,?,?,?,?,?,?,?)", rows)
            self._db.commit()

    def __len__(self) -> int:
        with self._lock:
            row = self._db.execute(
                "SELECT COUNT(*) FROM results WHERE setting = ?", (self.setting,)
            ).fetchone()
        return int(row[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()
