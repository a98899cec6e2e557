"""`--format html`: one self-contained document per report and list, with the same numbers
as the JSON, no scripts, no external URL, and user text escaped."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import Cli
from tests.views_helpers import LONG_STORE, build_demo_db, check_holds


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo_db(tmp_path_factory.mktemp("html") / "demo.db")


@pytest.fixture
def demo(demo_db: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli) -> Cli:
    monkeypatch.setenv("INCIDENTLOG_DB", str(demo_db))
    return cli


def page_text(document: str) -> str:
    """What a reader sees: the text without tags, entities decoded."""
    body = document.split("<body>", 1)[1]
    body = re.sub(r"<title>.*?</title>", " ", body, flags=re.S)  # SVG tooltips
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def assert_self_contained(document: str) -> None:
    assert document.startswith("<!DOCTYPE html>")
    assert document.rstrip().endswith("</html>")
    assert document.count("<html") == 1
    lowered = document.lower()
    assert "<script" not in lowered
    assert "http://" not in lowered and "https://" not in lowered
    assert "<link" not in lowered and "@import" not in lowered
    assert re.search(r"\son\w+=", lowered) is None  # no event handlers
    assert "<style>" in lowered  # inline CSS


CASES: list[tuple[tuple[str, ...], dict[str, Any]]] = [
    (
        ("report", "store", "--compare", "last-month"),
        {"counts": ("incidents", "compare_incidents", "change"), "rates": ("rate",)},
    ),
    (
        ("report", "agents", "--compare", "3-months-ago"),
        {
            "counts": ("incidents", "resolved_on_spot", "compare_incidents"),
            "rates": ("rate", "compare_rate"),
            "names": ("agent",),
        },
    ),
    (
        ("report", "reasons", "--period", "last-12-months"),
        {"counts": ("incidents",), "rates": ("rate", "share"), "names": ("reason",)},
    ),
    (
        ("report", "training", "1"),
        {
            "counts": ("trained_incidents", "others_incidents"),
            "rates": ("trained_rate", "others_rate"),
            "dates": ("start", "end"),
        },
    ),
    (
        ("report", "training-time", "--period", "last-12-months"),
        {"counts": ("roleplay_minutes", "review_minutes"), "names": ("agent",)},
    ),
    (
        ("repeat-customers", "--min-stores", "2", "--limit", "20"),
        {
            "counts": ("incidents", "stores", "agents"),
            "names": ("customer",),
            "dates": ("first", "last"),
        },
    ),
    (
        ("summary",),
        {"counts": ("incidents", "compare_incidents", "change"), "rates": ("rate",)},
    ),
    (
        ("list", "--store", LONG_STORE),
        {"counts": ("id",), "names": ("customer", "reason", "store"), "dates": ("at",)},
    ),
    (
        ("follow-ups", "--limit", "20"),
        {"counts": ("id",), "names": ("customer", "store"), "dates": ("at",)},
    ),
    (("search", "refund", "--limit", "5"), {"counts": ("id",), "names": ("store",)}),
    (("customers", "list"), {"counts": ("incidents",), "names": ("name",)}),
    (
        ("training", "list", "--period", "last-12-months"),
        {"counts": ("id", "minutes"), "names": ("topic",)},
    ),
]


@pytest.mark.parametrize(("args", "checks"), CASES, ids=[" ".join(c[0][:2]) for c in CASES])
def test_html_is_self_contained_and_holds_the_json_numbers(
    demo: Cli, args: tuple[str, ...], checks: dict[str, Any]
) -> None:
    document = demo(*args, "--format", "html").stdout
    assert_self_contained(document)
    rows = demo(*args, "--format", "json").json()
    if isinstance(rows, dict):
        rows = rows["rows"] + ([rows["totals"]] if isinstance(rows.get("totals"), dict) else [])
    assert rows
    check_holds(page_text(document), rows, 10**6, cut_ok=True, **checks)


def test_sparklines_become_svg_bars_of_the_same_values(demo: Cli) -> None:
    document = demo("report", "store", "--format", "html").stdout
    found = demo("report", "store", "--format", "json").json()
    assert document.count("<svg") == len(found["rows"])
    first = found["rows"][0]
    tooltips = re.findall(r"<title>([\d.]+)</title>", document)
    assert tooltips[: len(first["last_6_months"])] == [
        f"{v:.1f}".rstrip("0").rstrip(".") for v in first["last_6_months"]
    ]


def test_user_text_is_escaped(cli: Cli) -> None:
    cli(
        "add",
        "<script>alert(1)</script>",
        "--reason",
        "billing",
        "--resolved",
        "--store",
        "North",
        "--agent",
        "Jane",
        "--description",
        '<img src="https://evil.example/x.png">',
    )
    listed = cli("list", "--format", "html").stdout
    assert_self_contained(listed)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in listed
    found = cli("search", "evil", "--format", "html").stdout
    assert "&lt;img src=&#34;https://evil.example/x.png&#34;&gt;" in found
    assert "<img" not in found and "<script" not in found


def test_empty_html_still_a_document(cli: Cli) -> None:
    cli.add("Ann Lee")
    document = cli("list", "--period", "2020", "--format", "html").stdout
    assert_self_contained(document)
    assert "No incidents match." in page_text(document)
