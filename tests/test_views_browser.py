"""The HTML summary and a report page in a real browser (headless Chromium): the page's
text holds the numbers, and the screenshot is not blank.

Skipped when Chromium is not installed, unless INCIDENTLOG_REQUIRE_CHROMIUM=1 (set by
.ci/run), which makes a missing browser a failure.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from tests.helpers import Cli
from tests.reports_helpers import Row, record

REQUIRE_ENV = "INCIDENTLOG_REQUIRE_CHROMIUM"


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    message = "no headless Chromium installed (Debian package: chromium)"
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{message} ({REQUIRE_ENV} is set)", pytrace=False)
    pytest.skip(message)


def _run(browser: str, page: Path, *args: str) -> str:
    done = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", *args, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


def _pixels(png: bytes) -> list[tuple[int, ...]]:
    """The pixels of an 8-bit RGB or RGBA PNG (what Chromium writes), unfiltered."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, data = 8, b""
    width = height = channels = 0
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind, body = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            data += body
        pos += 12 + length
    raw = zlib.decompress(data)
    stride = width * channels
    rows: list[bytearray] = []
    prior = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = prior[i]
            c = prior[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + a) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + b) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pred) & 0xFF
        rows.append(line)
        prior = line
    return [tuple(row[x * channels : x * channels + 3]) for row in rows for x in range(width)]


def _shown_text(dom: str) -> str:
    body = dom.split("<body>", 1)[1]
    body = re.sub(r"<title>.*?</title>", " ", body, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


@pytest.mark.parametrize(
    "args", [("summary", "--week", "2026-W19"), ("report", "store", "--period", "2026-05")]
)
def test_page_renders_in_chromium(cli: Cli, tmp_path: Path, args: tuple[str, ...]) -> None:
    browser = _chromium()
    record(
        [Row(f"2026-05-{d:02d}", store="Zürich Straße") for d in (4, 5, 6, 7)]
        + [Row("2026-05-08", store="North", status="open")]
    )
    page = tmp_path / "page.html"
    page.write_text(cli(*args, "--format", "html").stdout, encoding="utf-8")
    found = cli(*args, "--format", "json").json()

    text = _shown_text(_run(browser, page, "--dump-dom"))
    for row in found["rows"]:
        assert row["store"] in text
        assert re.search(rf"\b{row['incidents']}\b", text)
        assert f"{round(row['rate'] * 100)}%" in text
    assert re.search(rf"\b{found['totals']['incidents']}\b", text)

    shot = tmp_path / "page.png"
    _run(browser, page, "--window-size=640,480", f"--screenshot={shot}")
    pixels = _pixels(shot.read_bytes())
    white = sum(1 for p in pixels if min(p) >= 250)
    dark = sum(1 for p in pixels if max(p) < 100)  # text
    blue = sum(1 for p in pixels if p[2] > 150 and p[0] < 60)  # the SVG bars
    assert white < len(pixels)
    assert dark > 500, "no text drawn"
    assert blue > 50, "no chart drawn"


WINDOW = 1000


def _lines_across(pixels: list[tuple[int, ...]], colour: tuple[int, ...], x0: int) -> list[int]:
    """The y of each horizontal rule of `colour` running under the first column."""
    height = len(pixels) // WINDOW
    return [
        y
        for y in range(height)
        if all(pixels[y * WINDOW + x] == colour for x in range(x0, x0 + 60))
    ]


@pytest.mark.parametrize(
    "args",
    [("--by", "agent"), ("--by", "store"), ("--by", "store", "--compare", "last-month")],
)
def test_resolution_report_fits_a_1000px_window(
    cli: Cli, tmp_path: Path, args: tuple[str, ...]
) -> None:
    """The widest report: every column (Per incident, the last, included) fits a 1,000 px
    window without a horizontal scrollbar, and no name or interval breaks over lines."""
    browser = _chromium()
    cli("demo")
    page = tmp_path / "page.html"
    page.write_text(cli("report", "resolution", *args, "--format", "html").stdout, encoding="utf-8")
    shot = tmp_path / "page.png"
    _run(browser, page, f"--window-size={WINDOW},900", f"--screenshot={shot}")
    pixels = _pixels(shot.read_bytes())
    height = len(pixels) // WINDOW
    drawn = [x for y in range(height) for x in range(WINDOW) if min(pixels[y * WINDOW + x]) < 250]
    # An overflowing page gets a scrollbar along the bottom and text cut at the right edge.
    assert max(drawn) < WINDOW - 10, "the page is wider than the window"
    bottom = pixels[(height - 20) * WINDOW :]
    assert all(min(p) >= 250 for p in bottom), "a horizontal scrollbar is drawn"

    # Body rows are ruled in #d0d7de: evenly spaced rules mean no cell took a second line.
    rules = _lines_across(pixels, (208, 215, 222), 30)
    gaps = {b - a for a, b in zip(rules, rules[1:], strict=False) if b - a > 3}
    assert len(rules) >= 3
    assert max(gaps) - min(gaps) <= 2, f"some rows are taller than others: {sorted(gaps)}"
