"""`cantobatch report`: the data the page is drawn from, checked against pandas; the HTML file."""

from __future__ import annotations

import base64
import gzip
import json
import re

import pandas as pd
import pytest
from click.testing import CliRunner
from report_helpers import index_small_corpus, write_synthetic_index

from cantobatch.cli import cli
from cantobatch.errors import DataError
from cantobatch.index import write_part
from cantobatch.report import build_report, render_html
from cantobatch.report.payload import build_payload
from cantobatch.tables import open_index


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "out"
    write_synthetic_index(out, citations=4000, seed=3)
    return out


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    return index_small_corpus(tmp_path_factory.mktemp("report-small"))


def embedded(html: str) -> dict:
    """The payload a page carries, decoded as the page's script decodes it."""
    match = re.search(
        r'<script id="cb-data" type="[^"]+" data-encoding="([^"]+)">(.*?)</script>', html, re.S
    )
    encoding, data = match.groups()
    if encoding == "gzip+base64":
        return json.loads(gzip.decompress(base64.b64decode(data)))
    return json.loads(data)


def test_payload_matches_the_tables(synthetic):
    payload = build_payload(open_index(synthetic))
    docs = pd.read_parquet(synthetic / "documents.parquet")
    cites = pd.read_parquet(synthetic / "citations.parquet")
    passages = pd.read_parquet(synthetic / "passages.parquet").set_index("passage_id")

    # Every document, sorted by source; the text of citing passages only, each once.
    assert payload["docs"]["source"] == sorted(docs["source"])
    P, H = payload["passages"], payload["hits"]
    assert len(P["text"]) == cites["passage_id"].nunique() == payload["counts"]["citing_passages"]
    assert payload["counts"]["passages"] == len(passages)
    # One hit per (passage, canto), per canto as many as pandas counts.
    refs = cites.groupby(["passage_id", "canto"]).size()
    assert len(H["c"]) == len(refs) == payload["counts"]["references"]
    per_canto = pd.Series(H["c"]).value_counts().sort_index()
    assert per_canto.to_dict() == refs.groupby(level="canto").size().to_dict()
    # Hits are in passage order, passages in document then position order.
    assert H["p"] == sorted(H["p"])
    keys = list(zip(P["doc"], P["seq"], strict=True))
    assert keys == sorted(keys)
    # A hit's spans point at its evidence in its passage's text; methods decode from the mask.
    evidence = cites.groupby(["passage_id", "canto"])["evidence"].first()
    methods = cites.groupby(["passage_id", "canto"])["method"].agg(
        lambda s: sorted({m for v in s.astype(str) for m in v.split("+")})
    )
    texts = {text: pid for pid, text in passages["text"].items()}
    for k in range(0, len(H["c"]), 97):
        text = P["text"][H["p"][k]]
        pid = texts[text]
        start, end = H["s"][k][:2]
        assert text[start:end] == evidence[(pid, H["c"][k])]
        decoded = [m for b, m in enumerate(payload["methods"]) if H["m"][k] & (1 << b)]
        assert decoded == methods[(pid, H["c"][k])]
        assert P["doc"][H["p"][k]] == payload["docs"]["source"].index(passages.loc[pid, "source"])


def test_lines_are_folded_and_unread_documents_carry_their_reason(small):
    payload = build_payload(open_index(small))
    H, P, D = payload["hits"], payload["passages"], payload["docs"]
    kenner = D["source"].index("notes/kenner.txt")
    lines = {H["c"][k]: H["l"][k] for k in range(len(H["c"])) if P["doc"][H["p"][k]] == kenner}
    assert lines == {45: "ll. 1–4", 74: "ll. 1–3"}
    unread = {
        s: (st, e)
        for s, st, e in zip(D["source"], D["status"], D["error"], strict=True)
        if st != "ok"
    }
    assert unread == {
        "empty.txt": ("zero_bytes", "the file is empty"),
        "user_password.pdf": (
            "needs_password",
            "encrypted with a user password; decrypt it (qpdf --decrypt --password=... in.pdf out.pdf) "
            "and index the decrypted copy",
        ),
    }
    assert P["page"][P["doc"].index(D["source"].index("ledgers.pdf"))] == 1
    assert payload["methods"] == ["rules"]


def test_evidence_offsets_count_utf16_units_for_javascript(tmp_path):
    out = tmp_path / "out"
    (out / "_state").mkdir(parents=True)
    (out / "manifest.json").write_text('{"complete": true}')  # a finished run's
    text = "𝔓ound 𝔖tudies: see Canto LXXIV."  # two characters outside the BMP before the evidence
    start = text.index("Canto")
    row = dict(passage_id="p1", doc_id="d1", source="a.txt")
    write_part(out, "documents", "u", [dict(doc_id="d1", source="a.txt", status="ok")])
    write_part(out, "passages", "u", [dict(row, seq=0, text=text)])
    write_part(out, "citations", "u", [dict(row, canto=74, evidence_start=start,
               evidence_end=start + 11, evidence="Canto LXXIV", method="rules")])  # fmt: skip
    payload = build_payload(open_index(out))
    assert payload["hits"]["s"] == [[start + 2, start + 13]]
    assert text.encode("utf-16-le")[2 * (start + 2) : 2 * (start + 13)].decode("utf-16-le") == (
        "Canto LXXIV"
    )


def test_no_text_in_the_data_can_end_the_script_element(tmp_path):
    out = tmp_path / "out"
    (out / "_state").mkdir(parents=True)
    (out / "manifest.json").write_text('{"complete": true}')  # a finished run's
    text = "Canto I </script><script>alert(1)</script> <!-- a comment"
    row = dict(passage_id="p1", doc_id="d1", source="</script>.txt")
    write_part(out, "documents", "u", [dict(doc_id="d1", source="</script>.txt", status="ok")])
    write_part(out, "passages", "u", [dict(row, seq=0, text=text)])
    write_part(out, "citations", "u", [dict(row, canto=1, evidence_start=0, evidence_end=7,
               evidence="Canto I", method="rules")])  # fmt: skip
    payload = build_payload(open_index(out), title="<b>Pound</b>")
    html, compressed = render_html(payload, "never")
    assert not compressed
    assert html.count("</script>") == 2  # the data's and the code's own
    assert "<title>&lt;b&gt;Pound&lt;/b&gt;</title>" in html
    assert embedded(html)["passages"]["text"] == [text]


def test_large_data_is_compressed_and_reads_back_the_same(synthetic, small, tmp_path, monkeypatch):
    monkeypatch.setattr("cantobatch.report.COMPRESS_ABOVE", 100_000)  # auto: above 100 kB here
    big = build_report(open_index(synthetic), tmp_path / "big.html")
    plain = build_report(open_index(synthetic), tmp_path / "plain.html", compress="never")
    assert big.compressed and not plain.compressed and big.bytes < plain.bytes / 2
    packed, unpacked = (embedded((tmp_path / f).read_text()) for f in ("big.html", "plain.html"))
    assert packed == unpacked | {"generated": packed["generated"]}
    assert not build_report(open_index(small), tmp_path / "small.html").compressed
    assert build_report(open_index(small), tmp_path / "s.html", compress="always").compressed


def test_report_command_writes_one_self_contained_file(small, tmp_path):
    target = tmp_path / "site" / "report.html"
    result = CliRunner().invoke(cli, ["report", str(small), "-o", str(target), "--title", "Kenner"])
    assert result.exit_code == 0
    size = target.stat().st_size
    assert result.stderr == (
        f"{target}: {size / 1e6:.1f} MB, 4 documents, 2 citing passages, 26 references\n"
    )
    html = target.read_text(encoding="utf-8")
    # Nothing to fetch: no URL but the SVG namespace, no link or src, and a policy forbidding it.
    assert set(re.findall(r"https?://[^\s\"'<>]+", html)) == {"http://www.w3.org/2000/svg"}
    assert "<link" not in html and " src=" not in html and "url(" not in html
    assert "default-src 'none'" in html
    assert "<title>Kenner</title>" in html and embedded(html)["title"] == "Kenner"
    assert list(tmp_path.joinpath("site").iterdir()) == [target]  # no temp file left behind


def test_report_to_a_directory_is_refused(small, tmp_path):
    result = CliRunner().invoke(cli, ["report", str(small), "-o", str(tmp_path)])
    assert result.exit_code == 2 and "is a directory" in result.output  # click's usage error
    with pytest.raises(DataError, match="is a directory: give a file name, e.g. -o "):
        build_report(open_index(small), tmp_path)
