"""`export --redact`: no customer's name, e-mail address or phone number survives, in any
spelling, in the free text."""

from __future__ import annotations

import csv
import io

import pytest

from tests.helpers import Cli

pytestmark = pytest.mark.backends


def redacted(cli: Cli, fmt: str = "csv") -> list[dict[str, str]]:
    out = cli("export", "--redact", "--format", fmt).stdout
    if fmt == "json":
        import json

        return json.loads(out)  # type: ignore[no-any-return]
    return list(csv.DictReader(io.StringIO(out)))


def described(cli: Cli, customer: str, text: str, **options: str) -> str:
    """The redacted description of one incident of `customer` that says `text`."""
    cli.add(customer, description=text, at="2026-05-01 10:00", **options)
    rows = redacted(cli)
    return rows[-1]["description"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Zoë Brandt called", "Customer 1 called"),  # the whole name
        ("zoë brandt called", "Customer 1 called"),  # any case
        ("ZOE BRANDT called", "Customer 1 called"),  # without accents
        ("Zoe   Brandt called", "Customer 1 called"),  # any spacing
        ("Zoe\nBrandt called", "Customer 1 called"),
        ("Brandt, Zoe called", "Customer 1, Customer 1 called"),  # parts one by one
        ("spoke to zoe", "spoke to Customer 1"),  # the first name alone
        ("Ms BRANDT was upset", "Ms Customer 1 was upset"),  # the surname alone
    ],
)
def test_the_customers_own_name_in_every_spelling(cli: Cli, text: str, expected: str) -> None:
    assert described(cli, "Zoë Brandt", text) == expected


def test_accented_text_for_an_unaccented_name(cli: Cli) -> None:
    assert described(cli, "Jose Alvarez", "José Álvarez left") == "Customer 1 left"


def test_other_customers_names_go_too(cli: Cli) -> None:
    cli.add("Marta Sousa", at="2026-04-01 10:00")
    text = "Came with marta sousa; Sousa paid, Marta waited"
    assert described(cli, "Ann Lee", text) == "Came with [name]; [name] paid, [name] waited"


def test_short_name_parts_stay_but_the_whole_short_name_goes(cli: Cli) -> None:
    # "Al" alone is too often part of ordinary text; the name "Al Li" as a whole is found.
    text = "Al Li said it was totally fine, as al said"
    assert described(cli, "Al Li", text) == "Customer 1 said it was totally fine, as al said"


def test_words_that_merely_contain_a_name_stay(cli: Cli) -> None:
    text = "Annual refund; annette; Leeds store"
    assert described(cli, "Ann Lee", text) == text


@pytest.mark.parametrize(
    "email",
    ["ann@example.com", "Ann.Lee+shop@mail.example.co.uk", "x_y-z@sub.domain.org", "a@b.io"],
)
def test_every_email_address_goes(cli: Cli, email: str) -> None:
    text = f"wrote from {email}, please reply"
    assert described(cli, "Bob", text) == "wrote from [email], please reply"


def test_an_email_written_with_at_and_dot_goes(cli: Cli) -> None:
    assert described(cli, "Bob", "mail ann (at) example [dot] com") == "mail [email]"


@pytest.mark.parametrize(
    "phone",
    [
        "+44 7700 900123",
        "+447700900123",
        "07700 900123",
        "(555) 123-4567",
        "555-123-4567",
        "555.123.4567",
        "+1-555-123-4567",
        "0049 30 1234567",
        "+33 1 23 45 67 89",
        "020 7946 0958",
        "555 1234",
    ],
)
def test_every_phone_number_goes(cli: Cli, phone: str) -> None:
    text = f"call back on {phone} after lunch"
    assert described(cli, "Bob", text) == "call back on [phone] after lunch"


def test_dates_times_and_small_numbers_stay(cli: Cli) -> None:
    text = "Order 12345 of 2026-05-14 at 15:30, refund 49.99 on 03/04/2026, 2 items"
    assert described(cli, "Bob", text) == text


def test_resolutions_are_redacted_too_and_json_alike(cli: Cli) -> None:
    cli.add(
        "Zoë Brandt",
        contact="+44 7700 900123",
        resolution="Told zoe to ring 07700 900123 or mail zb@example.com",
        at="2026-05-01 10:00",
    )
    for fmt in ("csv", "json"):
        row = redacted(cli, fmt)[0]
        assert row["resolution"] == "Told Customer 1 to ring [phone] or mail [email]"
        assert row["customer"] == "Customer 1"
        assert not row["contact"]
    text = cli("export", "--redact", "--format", "json").stdout
    for secret in ("Zo", "Brandt", "7700", "example.com"):
        assert secret not in text


def test_a_contact_that_is_no_email_or_phone_still_goes(cli: Cli) -> None:
    assert described(cli, "Bob", "reach via ref K9-Z", contact="K9-Z") == "reach via ref [contact]"
