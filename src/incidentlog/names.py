"""Named entities (stores, agents, reasons, customers): normalisation and look-alikes."""

from __future__ import annotations

import difflib
import re
import unicodedata

MAX_NAME = 200
MAX_TEXT = 5000
_SPACES = re.compile(r"\s+")
# SequenceMatcher ratio at which a new name counts as a probable typo of a known one:
# "Jnae"/"Jane" scores 0.75, "Harbour St"/"Harbor St" 0.95, "Ann"/"Bob" 0.
LOOKALIKE_CUTOFF = 0.75


def clean(text: str) -> str:
    """The display form: surrounding whitespace dropped, inner runs collapsed to one space."""
    return _SPACES.sub(" ", text).strip()


def key(text: str) -> str:
    """The matching form: case-, accent- and whitespace-insensitive."""
    decomposed = unicodedata.normalize("NFKD", clean(text))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold()


def reason_name(text: str) -> str:
    """Reasons are categories, shown in lower case so `Billing` and `billing ` read alike."""
    return clean(text).lower()


def contact_key(contact: str) -> str:
    """E-mails compare case-insensitively; phone numbers by their digits (and a leading +)."""
    contact = clean(contact)
    if "@" in contact:
        return "email:" + contact.casefold()
    digits = re.sub(r"[^\d+]", "", contact)
    if digits.count("+") > 1 or ("+" in digits and not digits.startswith("+")):
        digits = digits.replace("+", "")
    return "phone:" + digits if len(digits.strip("+")) >= 3 else "contact:" + key(contact)


def customer_key(name: str, contact: str | None) -> str:
    return contact_key(contact) if contact and contact.strip() else "name:" + key(name)


def lookalikes(candidate_key: str, known: dict[str, str]) -> list[str]:
    """Display names of known entities whose key is close to `candidate_key`, best first."""
    matches = difflib.get_close_matches(candidate_key, list(known), n=3, cutoff=LOOKALIKE_CUTOFF)
    return [known[m] for m in matches]
