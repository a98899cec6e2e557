"""The weekly summary as an e-mail message for `sendmail -t`, built with the standard
library's `email` package: multipart/alternative with the plain text and the HTML page."""

from __future__ import annotations

import getpass
import socket
from collections.abc import Sequence
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from incidentlog.core.errors import InvalidInput


def check_address(text: str, option: str) -> str:
    """An address as typed ("ann@example.com", "Zoë Ward <zoe@example.com>"), refused with
    the option's name when it is not one."""
    name, address = parseaddr(text)
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain or any(c in address for c in " ,;<>\r\n"):
        raise InvalidInput(f'{option} "{text}" is not an e-mail address.')
    try:
        Address(display_name=name, addr_spec=address)
    except (ValueError, IndexError) as exc:
        raise InvalidInput(f'{option} "{text}" is not an e-mail address.') from exc
    return text


def default_sender() -> str:
    """ "incidentlog <user@host>": who runs the cron job, as sendmail itself would put it."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "incidentlog"
    return f"incidentlog <{user}@{socket.gethostname()}>"


def message(
    *,
    subject: str,
    plain: str,
    html: str,
    to: Sequence[str],
    sender: str | None = None,
) -> EmailMessage:
    msg = EmailMessage()
    # Header values with non-ASCII text (names, the en dash of "4–10 May") are encoded
    # by the email package (RFC 2047); addresses keep their display names.
    msg["Subject"] = subject
    msg["From"] = sender or default_sender()
    msg["To"] = ", ".join(to)
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=socket.gethostname() or "localhost")
    msg["Auto-Submitted"] = "auto-generated"
    # Quoted-printable keeps the message 7-bit, whatever relays it on the way.
    msg.set_content(plain, subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    return msg
