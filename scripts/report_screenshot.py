"""Make docs/report.png, the README's picture of `cantobatch report`, from the sample corpus.

    .venv/bin/python scripts/report_screenshot.py [--browser /usr/bin/chromium] [-o docs/report.png]

Indexes corpora/ (rules) into a temporary folder, writes the report, opens the Pisan Cantos'
concordance in headless chromium with the pointer on a bar, and saves the view as a palette PNG
(small enough for the repository). Needs the dev extra (playwright, pillow) and a chromium.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--browser", default="/usr/bin/chromium")
    parser.add_argument("-o", "--output", type=Path, default=REPO / "docs" / "report.png")
    args = parser.parse_args()
    from PIL import Image
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        out, html = Path(tmp) / "outputs", Path(tmp) / "report.html"
        cantobatch = [sys.executable, "-m", "cantobatch"]
        subprocess.run([*cantobatch, "index", str(REPO / "corpora"), "-o", str(out), "--quiet"], check=True)  # fmt: skip
        subprocess.run([*cantobatch, "report", str(out), "-o", str(html)], check=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=args.browser, args=ARGS)
            page = browser.new_page(viewport={"width": 1100, "height": 980})
            page.goto(html.as_uri() + "#cantos/Pisan")
            page.wait_for_selector("body[data-ready='1']")
            page.hover('#chart rect.hitbox[data-c="81"]')
            png = page.screenshot()
            browser.close()
    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=256, dither=Image.NONE)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    image.save(args.output, optimize=True)
    print(f"{args.output}: {args.output.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
