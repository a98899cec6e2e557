"""`summary --format email`: a whole message for `sendmail -t`, parsed back with the
standard library the way a mail client would read it."""

from __future__ import annotations

import email
from email.message import EmailMessage
from email.policy import default

import pytest

from tests.helpers import Cli

pytestmark = pytest.mark.backends


def _week_19(cli: Cli) -> None:
    for day, store, customer in [
        ("2026-05-04", "Zürich Straße", "Zoë Müller"),
        ("2026-05-05", "Zürich Straße", "Ann Lee"),
        ("2026-05-06", "North", "Bob Ray"),
        ("2026-04-29", "North", "Bob Ray"),
    ]:
        cli.add(customer, store=store, at=f"{day} 10:00", new_store=True)


def _parse(text: str) -> EmailMessage:
    parsed = email.message_from_string(text, policy=default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_email_is_multipart_alternative_with_plain_and_html(cli: Cli) -> None:
    _week_19(cli)
    out = cli(
        "summary",
        "--week",
        "2026-W19",
        "--format",
        "email",
        "--to",
        "Zoë Ward <zoe@example.com>",
        "--to",
        "ops@example.com",
        "--from",
        "Incident Log <reports@example.com>",
    ).stdout
    # sendmail -t reads headers as 7-bit text: every non-ASCII character is encoded.
    assert out.isascii()
    msg = _parse(out)
    assert msg["Subject"] == "incidentlog weekly summary — week 19, 4–10 May 2026"
    assert [a.addr_spec for a in msg["To"].addresses] == ["zoe@example.com", "ops@example.com"]
    assert msg["To"].addresses[0].display_name == "Zoë Ward"
    assert msg["From"].addresses[0].addr_spec == "reports@example.com"
    assert msg["Date"] and msg["Message-ID"]
    assert msg.get_content_type() == "multipart/alternative"
    parts = list(msg.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"]
    plain, html = (p.get_content() for p in parts)
    assert plain.startswith("incidentlog weekly summary — week 19, 4–10 May 2026\n")
    assert "Zürich Straße" in plain and "Zürich Straße" in html
    assert "Incidents: 3 (week before: 1, +2)" in plain
    assert "<script" not in html.lower()
    assert html.lstrip().startswith("<!DOCTYPE html>")
    # The plain part is the summary as piped: the same lines.
    piped = cli("summary", "--week", "2026-W19").stdout
    assert plain.split() == piped.split()


def test_to_alone_means_email_and_from_defaults(cli: Cli) -> None:
    _week_19(cli)
    msg = _parse(cli("summary", "--week", "2026-W19", "--to", "boss@example.com").stdout)
    assert msg["To"].addresses[0].addr_spec == "boss@example.com"
    assert "@" in msg["From"].addresses[0].addr_spec
    assert msg.get_content_type() == "multipart/alternative"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "email"], "needs at least one --to"),
        (["--format", "email", "--to", "not an address"], '--to "not an address"'),
        (["--to", "a@example.com", "--from", "nobody"], '--from "nobody"'),
        (["--format", "json", "--to", "a@example.com"], "go with --format email"),
    ],
)
def test_bad_mail_options_are_usage_errors(cli: Cli, args: list[str], message: str) -> None:
    cli.add("Ann Lee")
    result = cli.fails("summary", *args, code=2)
    assert message in result.stderr
    assert result.stdout == ""
