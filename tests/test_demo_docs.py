"""The guide's numbers follow the demo: what `docs/getting-started.md` says the demo makes is
what `incidentlog demo` makes, on the guide's day and over the days a reader may run it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from incidentlog.demo import build as demo
from tests.test_docs import render_docs

PAGE = Path(__file__).resolve().parent.parent / "docs" / "getting-started.md"
WORDS = "zero one two three four five six seven eight nine ten eleven twelve thirteen " \
    "fourteen fifteen sixteen seventeen eighteen nineteen twenty".split()  # fmt: skip
DAYS_PER_MONTH = 365.25 / 12


def _text() -> str:
    return " ".join(PAGE.read_text().split())  # line breaks as spaces


def _span(today: dt.date) -> tuple[int, float]:
    s = demo.story(today)
    return demo.expected_volume(today), (s.end - s.start).days / DAYS_PER_MONTH


def test_the_guide_says_how_many_stores_agents_and_incidents_the_demo_makes() -> None:
    text = _text()
    assert f"{WORDS[len(demo.STORES)]} stores, {WORDS[len(demo.BASE_RATE)]} agents" in text
    # Every day of three years: the demo's story repeats yearly, with the weekdays shifting.
    spans = [_span(dt.date(2026, 1, 1) + dt.timedelta(days=n)) for n in range(3 * 366)]
    fewest, most = min(n for n, _m in spans), max(n for n, _m in spans)
    shortest, longest = min(m for _n, m in spans), max(m for _n, m in spans)
    low, high = round(fewest, -2), round(most, -2)
    claim = (
        f"between about {low:,} and {high:,} incidents over "
        f"{WORDS[round(shortest)]} to {WORDS[round(longest)]} months"
    )
    assert claim in text


def test_the_guide_names_the_demo_of_its_own_pictures() -> None:
    today = dt.date.fromisoformat(render_docs.TODAY)
    incidents, _months = _span(today)
    start = demo.story(today).start
    claim = f"on {today:%-d %B %Y}, the day this guide's pictures show, {incidents:,} incidents "
    claim += f"from {start:%-d %B %Y}"
    assert claim in _text()
    # ... and that is what the demo command really loads.
    found = re.search(r"Added the demo: ([\d,]+) incidents", _demo_tour())
    assert found and int(found.group(1).replace(",", "")) == incidents


def _demo_tour() -> str:
    from tests.helpers import Cli

    return Cli()("demo").stdout
