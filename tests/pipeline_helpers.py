"""A fake extractor for pipeline-logic tests only (the real extractors have their own tests)."""

from __future__ import annotations

import re
import time

from cantobatch.data import Extraction, Reference
from cantobatch.references import from_roman

_CANTO = re.compile(r"\bCanto ([IVXLC]+)\b")


class CountingExtractor:
    """Finds 'Canto <roman>'; counts calls; optionally sleeps or fails after some batches."""

    name = "rules"

    def __init__(self, tag: str = "v1", sleep: float = 0.0, fail_after: int | None = None):
        self.tag = tag
        self.sleep = sleep
        self.fail_after = fail_after
        self.calls = 0
        self.passages_seen = 0

    def identity(self) -> dict[str, str]:
        return {"method": "rules", "fake": self.tag}

    def extract_batch(self, passages):
        if self.fail_after is not None and self.calls >= self.fail_after:
            raise RuntimeError("simulated crash")
        self.calls += 1
        self.passages_seen += len(passages)
        time.sleep(self.sleep)
        out = []
        for p in passages:
            refs = tuple(
                Reference(
                    canto=from_roman(m.group(1)),
                    evidence_start=m.start(),
                    evidence_end=m.end(),
                    evidence=m.group(0),
                    method="rules",
                )
                for m in _CANTO.finditer(p.text)
            )
            if "EXPLODE" in p.text:
                out.append(Extraction(p.passage_id, error="cannot parse this passage"))
            else:
                out.append(Extraction(p.passage_id, refs))
        return out

    def close(self) -> None:
        pass


def write_corpus(root, n_files: int = 6, start: int = 0) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + n_files):
        paras = [
            f"Document {i}, paragraph {j}. Pound returns to Canto {['I', 'IV', 'XLV', 'LXXIV'][j % 4]} "
            f"here, and the reading of Canto {['IX', 'II', 'XX'][(i + j) % 3]} follows."
            for j in range(12)
        ]
        (root / f"doc{i:03d}.txt").write_text("\n\n".join(paras), encoding="utf-8")
