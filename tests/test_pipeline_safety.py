"""Data safety (issue #13) and faults (issue #19): the output folder is not the corpus, an index is
protected, interrupts are clean, damaged or transient results are redone."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
from pipeline_helpers import CountingExtractor, write_corpus

from cantobatch.config import Config, SplitConfig
from cantobatch.pipeline import run_index

CONFIG = Config(split=SplitConfig(max_chars=300, overlap_chars=0))


def index_once(corpus, out, **kw):
    extractor = kw.pop("extractor", None) or CountingExtractor()
    return run_index(corpus, out, CONFIG, extractor=extractor, show_progress=False, **kw)


def sources(out: Path) -> set[str]:
    return set(pd.read_parquet(out / "documents.parquet")["source"])


def test_the_output_folder_inside_the_corpus_is_not_indexed(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 2)
    monkeypatch.chdir(corpus)
    index_once(".", "outputs")  # `cd corpus && cantobatch index .`: OUT defaults to outputs/
    summary = index_once(".", "outputs")
    assert sources(corpus / "outputs") == {"doc000.txt", "doc001.txt"}
    assert summary.documents_ingested == 0


def test_a_folder_holding_another_index_is_not_indexed(tmp_path):
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    write_corpus(corpus, 2)
    index_once(corpus, corpus / "old" / "index")  # an index somewhere in the corpus
    shutil.copy(corpus / "doc000.txt", corpus / "old" / "notes.txt")
    index_once(corpus, out)
    assert sources(out) == {"doc000.txt", "doc001.txt", "old/notes.txt"}


def test_a_file_name_that_is_not_utf8_becomes_a_row(tmp_path):
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    write_corpus(corpus, 1)
    with open(bytes(corpus) + b"/bad\xff name.txt", "wb") as handle:
        handle.write(b"A note on Canto II.")
    summary = index_once(corpus, out)
    documents = pd.read_parquet(out / "documents.parquet").set_index("source")
    assert documents.loc["bad\\xff name.txt", "status"] == "ok"
    assert summary.documents_ok == 2
    assert "bad\\xff name.txt" in set(pd.read_parquet(out / "citations.parquet")["source"])


FIFO_SCRIPT = """
import os, sys
sys.path.insert(0, {tests!r})
from pipeline_helpers import CountingExtractor
from cantobatch.config import Config, SplitConfig
from cantobatch.pipeline import run_index

swapped = []

def swap(unit):  # after the first unit, the file two ahead becomes a FIFO (after planning)
    if not swapped:
        os.unlink({target!r})
        os.mkfifo({target!r})
        swapped.append(unit)

config = Config(split=SplitConfig(max_chars=300, overlap_chars=0))
run_index({corpus!r}, {out!r}, config, extractor=CountingExtractor(), show_progress=False,
          on_unit_done=swap)
"""


def test_a_file_replaced_by_a_fifo_after_planning_does_not_block(tmp_path):
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    write_corpus(corpus, 4)
    target = corpus / "doc002.txt"
    script = FIFO_SCRIPT.format(
        tests=str(Path(__file__).parent), target=str(target), corpus=str(corpus), out=str(out)
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    documents = pd.read_parquet(out / "documents.parquet").set_index("source")
    assert documents.loc["doc002.txt", "status"] == "unreadable"
    assert "not a regular file" in documents.loc["doc002.txt", "error"]
    assert (documents.drop("doc002.txt")["status"] == "ok").all()
