"""Data safety (issue #13) and faults (issue #19): the output folder is not the corpus, an index is
protected, interrupts are clean, damaged or transient results are redone."""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from pipeline_helpers import CountingExtractor, write_corpus

from cantobatch.cli import cli
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
from click.testing import CliRunner

from cantobatch.cli import cli
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
    assert "changed while being indexed" in documents.loc["doc002.txt", "error"]
    assert (documents.drop("doc002.txt")["status"] == "ok").all()
    index_once(corpus, out)  # the rerun finds a FIFO where the file was: a row, no wait
    documents = pd.read_parquet(out / "documents.parquet").set_index("source")
    assert documents.loc["doc002.txt", "status"] == "unsupported"
    assert "not a regular file" in documents.loc["doc002.txt", "error"]


INTERRUPT_SCRIPT = """
import sys
import time
sys.path.insert(0, {tests!r})
from pipeline_helpers import CountingExtractor
import cantobatch.pipeline as pipeline
from cantobatch.cli import cli

pipeline.RULES_BATCH = 5  # a unit finishes every few passages, so a signal lands mid-run
pipeline.build_extractor = lambda name, config: CountingExtractor(sleep={sleep})
# --workers 1: the in-process engine, which runs the slow extractor injected above
cli.main(["index", {corpus!r}, "--quiet", "--workers", "1", *sys.argv[1:]], prog_name="cantobatch")
"""


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _script(corpus, sleep):
    return INTERRUPT_SCRIPT.format(
        tests=str(Path(__file__).parent), corpus=str(corpus), sleep=sleep
    )


def _index_json(corpus, out) -> dict:
    """`cantobatch index CORPUS -o OUT --json` (the same command, without the slow extractor)."""
    command = [sys.executable, "-c", _script(corpus, 0), "-o", str(out), "--json"]
    return json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)


def _start(tmp_path, sleep=0.3):
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    write_corpus(corpus, 10)
    proc = subprocess.Popen(
        [sys.executable, "-c", _script(corpus, sleep), "-o", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list((out / "_state").glob("*.done"))) < 6:
        time.sleep(0.05)
    return proc, corpus, out


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_the_run_cleanly_and_the_rerun_resumes(tmp_path, signum):
    proc, corpus, out = _start(tmp_path)
    workers = _children(proc.pid)
    assert workers, "the parse worker runs as a child of the run"
    proc.send_signal(signum)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    last = stderr.strip().splitlines()[-1]
    match = re.fullmatch(
        r"interrupted: (\d+) of 10 documents done; rerun the same command to resume", last
    )
    assert match, stderr
    done = int(match.group(1))
    assert 0 < done < 10
    assert not [pid for pid in workers if _alive(pid)], "the worker ended with the run"
    assert not list(out.rglob(".*tmp*"))
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["complete"] is False  # an interrupted index is not a finished one
    summary = _index_json(corpus, out)
    assert summary["this_run"]["documents_extracted"] == 10 - done  # finished units were kept
    clean = tmp_path / "clean"
    _index_json(corpus, clean)
    for name in ("documents", "passages", "citations"):
        a, b = (pd.read_parquet(o / f"{name}.parquet") for o in (out, clean))
        key = list(a.columns)
        pd.testing.assert_frame_equal(
            a.astype(str).sort_values(key).reset_index(drop=True),
            b.astype(str).sort_values(key).reset_index(drop=True),
        )


def test_a_second_ctrl_c_abandons_the_current_unit_at_once(tmp_path):
    proc, corpus, out = _start(tmp_path, sleep=30)  # a unit that would take 30 s
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=20)  # well before the unit could finish
    assert proc.returncode == 130 and "Traceback" not in stderr, stderr
    assert re.search(r"^interrupted: \d+ of 10 documents done;", stderr, re.M)
    assert not list(out.rglob(".*tmp*"))


def test_query_report_and_mine_refuse_an_interrupted_index_in_one_line(tmp_path):
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    write_corpus(corpus, 8)
    with pytest.raises(RuntimeError, match="simulated crash"):
        index_once(corpus, out, extractor=CountingExtractor(fail_after=2), batch_size=10)
    done = len([m for m in (out / "_state").glob("*.done") if "citations" in m.read_text()])
    expected = (
        f"Error: index incomplete: {out} holds {done} of 8 documents (its run stopped before the "
        f"end); run `cantobatch index CORPUS -o {out}` again to finish it\n"
    )
    for args in (
        ["query", str(out), "--canto", "4"],
        ["stats", str(out)],
        ["report", str(out), "-o", str(tmp_path / "r.html")],
        ["mine", str(out), "-o", str(tmp_path / "m.jsonl")],
    ):
        result = CliRunner().invoke(cli, args)
        assert (result.exit_code, result.output) == (1, expected), args
    index_once(corpus, out)  # finished: readable again
    assert CliRunner().invoke(cli, ["query", str(out), "--canto", "4"]).exit_code == 0


def test_query_during_a_run_reads_only_finished_units(tmp_path):
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    write_corpus(corpus, 3)
    index_once(corpus, out)
    # A run in flight: it holds the lock, one unit's parts are written but not yet marked done.
    marker = next(m for m in (out / "_state").glob("*.done") if "citations" in m.read_text())
    marker.unlink()
    in_flight = marker.stem
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time; from pathlib import Path; from cantobatch.pipeline import run_lock\n"
            f"with run_lock(Path({str(out)!r})):\n    print('locked', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        result = CliRunner().invoke(cli, ["query", str(out), "--canto", "4", "--json"])
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 0, result.output
    part = pd.read_parquet(out / "citations.parquet" / f"{in_flight}.parquet")
    sources = {json.loads(line)["source"] for line in result.output.splitlines()}
    assert sources == {"doc000.txt", "doc001.txt", "doc002.txt"} - set(part["source"])


def _cli_index(corpus, out, *args):
    return CliRunner().invoke(cli, ["index", str(corpus), "-o", str(out), "--quiet", *args])


def test_an_index_of_another_corpus_is_refused_unless_pruned(tmp_path):
    first, second, out = tmp_path / "first", tmp_path / "second", tmp_path / "out"
    write_corpus(first, 3)
    write_corpus(second, 2, start=10)
    assert _cli_index(first, out).exit_code == 0
    (out / "llm-cache.sqlite").write_bytes(b"cached answers")  # a cache kept beside the index
    parts = sorted(p.name for p in out.rglob("*.parquet") if p.is_file())
    for corpus in (second, tmp_path / "empty"):
        corpus.mkdir(exist_ok=True)
        result = _cli_index(corpus, out)
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert result.output == (
            f"Error: {out} holds the index of {first}, not of {corpus}: choose another output "
            "directory with -o, or pass --prune to replace that index with this corpus's\n"
        )
        assert sorted(p.name for p in out.rglob("*.parquet") if p.is_file()) == parts
    assert _cli_index(second, out, "--prune").exit_code == 0
    assert sources(out) == {"doc010.txt", "doc011.txt"}
    assert (out / "llm-cache.sqlite").read_bytes() == b"cached answers"


def test_most_documents_gone_is_refused_a_few_are_removed_and_named(tmp_path):
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    write_corpus(corpus, 6)
    assert _cli_index(corpus, out).exit_code == 0
    for name in ("doc001.txt", "doc004.txt"):
        (corpus / name).unlink()
    result = _cli_index(corpus, out)
    assert result.exit_code == 0
    assert "2 documents removed: doc001.txt, doc004.txt\n" in result.output
    assert sources(out) == {"doc000.txt", "doc002.txt", "doc003.txt", "doc005.txt"}
    for name in ("doc000.txt", "doc002.txt", "doc003.txt"):
        (corpus / name).unlink()  # 3 of the 4 indexed documents gone
    result = _cli_index(corpus, out)
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {corpus} no longer holds 3 of the 4 documents indexed in {out} (doc000.txt, "
        "doc002.txt, doc003.txt): check the corpus path (a disk not mounted?), or pass --prune "
        "to drop them from the index\n"
    )
    assert len(sources(out)) == 4  # nothing was dropped
    result = _cli_index(corpus, out, "--prune", "--json")
    assert json.loads(result.output)["removed_documents"] == [
        "doc000.txt",
        "doc002.txt",
        "doc003.txt",
    ]
    assert sources(out) == {"doc005.txt"}


def _documents(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "documents.parquet").set_index("source")


def test_a_timed_out_parse_is_retried_a_bounded_number_of_times(tmp_path, monkeypatch):
    from cantobatch.config import IngestConfig
    from cantobatch.ingest.reader import Reader

    corpus, out = tmp_path / "corpus", tmp_path / "out"
    write_corpus(corpus, 3)
    config = Config(split=CONFIG.split, ingest=IngestConfig(parse_timeout_s=0.5))

    def run():
        return run_index(corpus, out, config, extractor=CountingExtractor(), show_progress=False)

    # doc001's parse hangs (a real worker, killed at the time limit) on the first run only
    monkeypatch.setattr(Reader, "_delay_for", lambda self, f: 3 * (f.source == "doc001.txt"))
    run()
    assert _documents(out).loc["doc001.txt", "status"] == "timeout"
    monkeypatch.undo()
    summary = run()
    assert summary.documents_ingested == 1  # only the timed-out file was read again
    assert _documents(out).loc["doc001.txt", "status"] == "ok"
    assert "doc001.txt" in set(pd.read_parquet(out / "citations.parquet")["source"])
    assert run().documents_ingested == 0

    # A parse that always hangs is tried three times, then recorded for good.
    (corpus / "doc002.txt").write_text("Canto III, changed.", encoding="utf-8")
    monkeypatch.setattr(Reader, "_delay_for", lambda self, f: 3 * (f.source == "doc002.txt"))
    assert [run().documents_ingested for _ in range(4)] == [1, 1, 1, 0]
    row = _documents(out).loc["doc002.txt"]
    assert row["status"] == "timeout" and row["error"].endswith("(tried 3 times)")


CHANGE_SCRIPT = """
import sys
sys.path.insert(0, {tests!r})
from pathlib import Path
from pipeline_helpers import CountingExtractor
from cantobatch.config import Config, SplitConfig
from cantobatch.pipeline import run_index

def change(unit, done=[]):  # after the first unit, doc002 is rewritten (after it was hashed)
    if not done:
        Path({target!r}).write_text("Rewritten: Canto XC and more words.", encoding="utf-8")
        done.append(unit)

config = Config(split=SplitConfig(max_chars=300, overlap_chars=0))
run_index({corpus!r}, {out!r}, config, extractor=CountingExtractor(), show_progress=False,
          on_unit_done=change)
"""


def test_a_file_changed_after_hashing_is_not_keyed_to_its_old_bytes_and_is_read_again(tmp_path):
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    write_corpus(corpus, 4)
    target = corpus / "doc002.txt"
    old_id = hashlib.sha256(target.read_bytes()).hexdigest()
    script = CHANGE_SCRIPT.format(
        tests=str(Path(__file__).parent), target=str(target), corpus=str(corpus), out=str(out)
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    row = _documents(out).loc["doc002.txt"]
    assert row["status"] == "error" and "changed while being indexed" in row["error"]
    assert row["doc_id"] != old_id  # never keyed to bytes it did not read
    summary = index_once(corpus, out)
    assert summary.documents_ingested == 1
    row = _documents(out).loc["doc002.txt"]
    assert row["status"] == "ok"
    assert row["doc_id"] == hashlib.sha256(target.read_bytes()).hexdigest()
    cited = pd.read_parquet(out / "citations.parquet")
    assert 90 in set(cited[cited["source"] == "doc002.txt"]["canto"])


def _frames(out: Path) -> dict[str, pd.DataFrame]:
    frames = {}
    for name in ("documents", "passages", "citations"):
        df = pd.read_parquet(out / f"{name}.parquet").astype(str)
        frames[name] = df.sort_values(list(df.columns)).reset_index(drop=True)
    return frames


def test_damaged_parts_are_found_by_verify_and_redone_by_the_rerun(tmp_path):
    corpus, out, clean = tmp_path / "corpus", tmp_path / "out", tmp_path / "clean"
    write_corpus(corpus, 4)
    index_once(corpus, out)
    index_once(corpus, clean)
    truncated = sorted((out / "passages.parquet").glob("*.parquet"))[0]
    truncated.write_bytes(truncated.read_bytes()[: truncated.stat().st_size // 2])
    flipped = sorted((out / "citations.parquet").glob("*.parquet"))[1]
    data = bytearray(flipped.read_bytes())
    data[len(data) // 2] ^= 0xFF  # same size, one byte changed
    flipped.write_bytes(bytes(data))
    deleted = sorted((out / "documents.parquet").glob("*.parquet"))[2]
    deleted.unlink()
    stray = [
        out / "citations.parquet" / f"{flipped.stem}.parquet.tmp",
        out / "passages.parquet" / f".{truncated.name}.tmp-999999",  # a dead writer's
    ]
    for path in stray:
        path.write_bytes(b"half a part")
    snapshot = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    result = CliRunner().invoke(cli, ["index", str(corpus), "-o", str(out), "--verify"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[-1].startswith(f"Error: {out}: ") and "problem(s) in 8 finished units" in lines[-1]
    assert f"{truncated}: " in result.output and "(truncated?)" in result.output
    assert f"{flipped}: damaged (its sha256 is not the one written)" in lines
    assert f"{deleted}: missing" in lines
    assert any(str(stray[1]) in line for line in lines)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == snapshot  # unchanged

    summary = index_once(corpus, out)
    assert len(summary.repaired) == 3
    assert not [p for p in stray if p.exists()]
    for name, frame in _frames(out).items():
        pd.testing.assert_frame_equal(frame, _frames(clean)[name])
    result = CliRunner().invoke(cli, ["index", str(corpus), "-o", str(out), "--verify"])
    assert result.exit_code == 0
    assert result.output == f"{out}: 8 finished units, every part as written\n"


PEAK_SCRIPT = """
import sys
from cantobatch.config import Config, IngestConfig
from cantobatch.pipeline import run_index
config = Config(ingest=IngestConfig(stream_passages=int(sys.argv[3])))
run_index(sys.argv[1], sys.argv[2], config, show_progress=False)
# VmHWM, not ru_maxrss: the latter keeps the parent's peak across exec (pytest's, with torch)
print(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1])
"""


def _html_page(path: Path, chars: int) -> None:
    para = (
        "<p>Pound returns to Canto XLV here, and the reading of Canto LXXIV follows; usura "
        "slayeth the child in the womb, and the words run on for a while.</p>\n"
    )
    body = para * max(1, chars // len(para))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"<!DOCTYPE html><html><body><article>{body}</article></body></html>")


def _peak_kib(corpus: Path, out: Path, stream_passages: int) -> int:
    done = subprocess.run(
        [sys.executable, "-c", PEAK_SCRIPT, str(corpus), str(out), str(stream_passages)],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return int(done.stdout.split()[-1])


def test_a_huge_page_is_extracted_and_written_in_bounded_pieces(tmp_path):
    """Peak memory of the main process, side by side: the page's growth over a tiny page's,
    streamed in pieces of 100 passages vs held whole (the old behaviour)."""
    _html_page(tmp_path / "tiny" / "t.html", 2_000)
    _html_page(tmp_path / "huge" / "h.html", 3_000_000)
    baseline = _peak_kib(tmp_path / "tiny", tmp_path / "o0", 100)
    streamed = _peak_kib(tmp_path / "huge", tmp_path / "o1", 100) - baseline
    whole = _peak_kib(tmp_path / "huge", tmp_path / "o2", 10**9) - baseline
    assert streamed / whole < 0.6, (streamed, whole)
    frames = [_frames(tmp_path / name) for name in ("o1", "o2")]
    assert len(frames[0]["passages"]) > 1000
    for name in frames[0]:
        pd.testing.assert_frame_equal(frames[0][name], frames[1][name])
    result = CliRunner().invoke(
        cli, ["index", str(tmp_path / "huge"), "-o", str(tmp_path / "o1"), "--verify"]
    )
    assert result.exit_code == 0, result.output


FULL_SCRIPT = """
import resource, signal, sys
sys.path.insert(0, {tests!r})
from pipeline_helpers import CountingExtractor
import cantobatch.pipeline as pipeline
from cantobatch.cli import cli

if len(sys.argv) > 1:  # a full disk, as a file size limit: writes past it fail with EFBIG
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[1]), int(sys.argv[1])))
pipeline.build_extractor = lambda name, config: CountingExtractor()
cli.main(["index", {corpus!r}, "-o", {out!r}, "--quiet", "--json"], prog_name="cantobatch")
"""


def test_a_full_disk_ends_in_one_line_and_the_rerun_resumes(tmp_path):
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    write_corpus(corpus, 4)
    # the last document's passages part is bigger than the limit
    words = random.Random(1).choices(
        ["usura", "canto", "Malatesta", "Pisa", "ply", "over"], k=60000
    )
    (corpus / "zz_long.txt").write_text(
        "\n\n".join(" ".join(words[i : i + 12]) for i in range(0, len(words), 12))
    )
    script = FULL_SCRIPT.format(tests=str(Path(__file__).parent), corpus=str(corpus), out=str(out))
    full = subprocess.run(
        [sys.executable, "-c", script, str(64 * 1024)], capture_output=True, text=True, timeout=120
    )
    assert full.returncode == 1 and "Traceback" not in full.stderr, full.stderr
    line = full.stderr.strip().splitlines()[-1]
    assert re.fullmatch(
        rf"Error: no space left to write {re.escape(str(out))} \(File too large\): free about "
        r"\d+ MB there \(for the \d+ documents left\) and rerun the same command; the \d+ "
        r"finished documents are kept",
        line,
    ), line
    assert not list(out.rglob(".*tmp*"))
    rerun = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    summary = json.loads(rerun.stdout)
    assert summary["this_run"]["documents_read"] == 1  # the 4 read before are not read again
    assert summary["documents"]["ok"] == 5


def test_the_pool_engine_stops_cleanly_on_a_signal_and_the_rerun_resumes(tmp_path):
    """The default engine (--workers N): its unit workers stop with the run, no traceback, exit
    130, and the rerun finishes what is left into the same tables as an uninterrupted run."""
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    corpus.mkdir()
    sentence = "Canto LXXIV opens at Pisa (74/445); the Pisan Cantos end with LXXXIV."
    for i in range(40):  # enough work that the run is still going when the signal lands
        paragraphs = (f"Note {i}.{k}. {sentence}" for k in range(1500))
        (corpus / f"doc{i:03d}.txt").write_text("\n\n".join(paragraphs), encoding="utf-8")
    command = [sys.executable, "-m", "cantobatch", "index", str(corpus), "--quiet"]
    proc = subprocess.Popen(
        [*command, "-o", str(out), "--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list((out / "_state").glob("*.done"))) < 4:
        time.sleep(0.02)
    workers = _children(proc.pid)
    assert workers, "the unit workers run as children of the run"
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    match = re.search(
        r"^interrupted: (\d+) of 40 documents done; rerun the same command to resume$", stderr, re.M
    )
    assert match and 0 < int(match.group(1)) < 40, stderr
    assert not [pid for pid in workers if _alive(pid)], "the workers ended with the run"
    assert not list(out.rglob(".*tmp*"))
    subprocess.run([*command, "-o", str(out), "--workers", "2"], check=True, timeout=300)
    clean = tmp_path / "clean"
    subprocess.run([*command, "-o", str(clean), "--workers", "1"], check=True, timeout=300)
    for name in ("documents", "passages", "citations"):
        a, b = (pd.read_parquet(o / f"{name}.parquet") for o in (out, clean))
        key = [c for c in a.columns if c not in ("run_id", "ingest_id")]
        a, b = (t[key].astype(str).sort_values(key).reset_index(drop=True) for t in (a, b))
        pd.testing.assert_frame_equal(a, b)


def test_a_folder_name_that_is_not_utf8_is_escaped_in_its_files_rows(tmp_path):
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    write_corpus(corpus, 1)
    os.mkdir(bytes(corpus) + b"/dir\xfe")
    with open(bytes(corpus) + b"/dir\xfe/inner.txt", "wb") as handle:
        handle.write(b"A note on Canto XLV.")
    index_once(corpus, out)
    documents = pd.read_parquet(out / "documents.parquet").set_index("source")
    assert documents.loc["dir\\xfe/inner.txt", "status"] == "ok"


READER_FIFO_SCRIPT = """
import os, sys
from pathlib import Path
from cantobatch.ingest.discover import discover
from cantobatch.ingest.reader import Reader

files = list(discover(Path(sys.argv[1])))  # planned while they were regular files
for file in files:
    os.unlink(file.path)
    os.mkfifo(file.path)  # nobody writes to it: a blocking open() would wait for ever
with Reader() as reader:
    for file in files:
        doc = reader.read(file)
        print(file.source, doc.status, "not a regular file" in (doc.error or ""))
"""


def test_the_reader_never_blocks_on_a_pdf_or_text_file_swapped_for_a_fifo(tmp_path):
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 1)
    (corpus / "paper.pdf").write_bytes(b"%PDF-1.4\n% not really\n")
    # The timeout only stops a hang from stalling the suite; it measures nothing.
    done = subprocess.run(
        [sys.executable, "-c", READER_FIFO_SCRIPT, str(corpus)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["doc000.txt unreadable True", "paper.pdf unreadable True"]
