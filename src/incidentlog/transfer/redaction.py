"""`export --redact`: customers' names, contacts, e-mail addresses and phone numbers taken out
of what is exported, so that it can be shared outside the company."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from incidentlog.storage.connection import Conn

REDACTED_CONTACT = "[contact]"


def pseudonym(customer_id: int) -> str:
    """A redacted customer's stand-in: the same customer always gets the same one, and only
    someone with the database (`customers list` shows ids) can tell who it is."""
    return f"Customer {customer_id}"


# Letters only: a name's parts, whatever joins them (spaces, hyphens, apostrophes).
_WORD = re.compile(r"[^\W\d_]+")
# Letters that do not decompose into a base letter and an accent.
_FOLD = str.maketrans({"ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe",
                       "đ": "d", "Đ": "d", "ł": "l", "Ł": "l", "ı": "i"})  # fmt: skip
# A name's part this short is too often an ordinary word ("Al", "Bo") to hunt on its own;
# the whole name is still found.
MIN_PART = 3
MAX_NAME_WORDS = 8
EMAIL = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
EMAIL_AT = re.compile(
    r"[\w.+%-]+\s*[\[(]\s*at\s*[\])]\s*[\w-]+(?:\s*[\[(]\s*dot\s*[\])]\s*[\w-]+)+", re.I
)
# Digit groups joined by at most two of space . - / ( ): phone numbers written any usual way.
PHONE = re.compile(r"(?<![\w+])(?:\+|\(\+?)?\d+(?:[ .\-/()]{1,2}\d+)*\)?(?![\w])")
# Dates and times look like numbers: kept out of the phone hunt.
_NOT_PHONE = re.compile(
    r"\d{4}-\d{1,2}-\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2})?)?|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}"
    r"|\d{1,2}:\d{2}(?::\d{2})?"
)
MIN_PHONE_DIGITS, MAX_PHONE_DIGITS = 7, 15
NAME_STAND_IN = "[name]"


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.translate(_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _name_words(name: str) -> list[str]:
    return [_fold(w) for w in _WORD.findall(name)]


class Redactor:
    """Takes every customer's name out of free text — the whole name with any spacing, and
    each part of three letters or more, in any case, with or without accents — and every
    e-mail address and phone number. Names are those of all customers in the database,
    so a description that names another customer loses that name too."""

    def __init__(self, conn: Conn) -> None:
        self.parts: dict[str, int | None] = {}  # part -> the one customer it belongs to
        self.names: dict[tuple[str, ...], int | None] = {}  # whole name -> customer
        for row in conn.iter_rows("SELECT id, name FROM customer"):
            customer = int(row["id"])
            words = tuple(_name_words(row["name"]))[:MAX_NAME_WORDS]
            if not words:
                continue
            self.names[words] = None if self.names.get(words, customer) != customer else customer
            for word in words:
                if len(word) >= MIN_PART:
                    known = self.parts.get(word, customer)
                    self.parts[word] = customer if known == customer else None

    def _stand_in(self, customer: int | None, own: int) -> str:
        return pseudonym(customer) if customer == own else NAME_STAND_IN

    def names_out(self, text: str, own: int) -> str:
        """Each run of name words replaced once: by the row's pseudonym when it is the
        row's own customer, else by [name] (another customer's pseudonym would tell who
        the free text is about)."""
        words = list(_WORD.finditer(text))
        out: list[str] = []
        last = 0
        i = 0
        while i < len(words):
            match = None
            # The longest whole name starting here, its words separated by spaces only.
            for j in range(min(len(words), i + MAX_NAME_WORDS), i, -1):
                gaps_are_spaces = all(
                    not text[words[k].end() : words[k + 1].start()].strip(" \t\r\n-'’.")
                    for k in range(i, j - 1)
                )
                if not gaps_are_spaces:
                    continue
                key = tuple(_fold(w[0]) for w in words[i:j])
                if key in self.names:
                    match = (j, self.names[key])
                    break
            if match is None and _fold(words[i][0]) in self.parts:
                match = (i + 1, self.parts[_fold(words[i][0])])
            if match is None:
                i += 1
                continue
            end, customer = match
            gap = text[last : words[i].start()]
            stand_in = self._stand_in(customer, own)
            # "Lee  Ann" (parts found one by one) reads as one stand-in, not two.
            if not (out and out[-1] == stand_in and not gap.strip()):
                out += [gap, stand_in]
            last = words[end - 1].end()
            i = end
        out.append(text[last:])
        return "".join(out)

    def text(self, text: str, own: int, contact: str | None) -> str:
        if not text:
            return text
        text = EMAIL.sub("[email]", text)
        text = EMAIL_AT.sub("[email]", text)
        text = _phones_out(text)
        if contact:
            # Whole words only: a contact "12" must not turn "2012" into nonsense.
            pattern = rf"(?<!\w){re.escape(contact)}(?!\w)"
            text = re.sub(pattern, REDACTED_CONTACT, text, flags=re.IGNORECASE)
        return self.names_out(text, own)

    def row(self, row: dict[str, Any]) -> dict[str, Any]:
        own = int(row["customer_id"])
        redacted = dict(row, customer=pseudonym(own), contact=None)
        for column in ("description", "resolution"):
            redacted[column] = self.text(row[column] or "", own, row["contact"])
        if row["later_resolution"]:
            redacted["later_resolution"] = self.text(row["later_resolution"], own, row["contact"])
        if row.get("checks"):
            redacted["checks"] = [
                {**check, "note": self.text(check["note"] or "", own, row["contact"])}
                for check in row["checks"]
            ]
        return redacted


def _phones_out(text: str) -> str:
    protected: list[str] = []

    def protect(match: re.Match[str]) -> str:
        protected.append(match[0])
        return f"\x00{len(protected) - 1}\x00"

    masked = _NOT_PHONE.sub(protect, text)

    def phone(match: re.Match[str]) -> str:
        digits = sum(c.isdigit() for c in match[0])
        if MIN_PHONE_DIGITS <= digits <= MAX_PHONE_DIGITS:
            return "[phone]"
        return match[0]

    masked = PHONE.sub(phone, masked)
    return re.sub("\x00(\\d+)\x00", lambda m: protected[int(m[1])], masked)
