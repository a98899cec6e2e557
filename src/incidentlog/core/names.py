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
    """Display names of known entities whose key is close to `candidate_key`, best first.

    Close means a whole-name look-alike: the names as a whole score above the cutoff and
    every word that differs is itself a typo of its counterpart. Sharing a word is not
    enough ("Wade Tanaka" is not "Wade Novak", "wrong item" is not "wrong size"), while
    "Wade Tanka", "late delivry" and "late-delivery" are typos of known names."""
    matches = difflib.get_close_matches(candidate_key, list(known), n=20, cutoff=LOOKALIKE_CUTOFF)
    return [known[m] for m in matches if _whole_name_lookalike(candidate_key, m)][:3]


_WORD = re.compile(r"\w+")


def _whole_name_lookalike(a: str, b: str) -> bool:
    words_a, words_b = _WORD.findall(a), _WORD.findall(b)
    if len(words_a) != len(words_b):
        # "Mary Ann" / "Maryann": words run together or split; only a slip of a key or two.
        return _distance("".join(words_a), "".join(words_b), limit=2) <= 2
    return all(_word_lookalike(x, y) for x, y in zip(words_a, words_b, strict=True))


def _word_lookalike(a: str, b: str) -> bool:
    if a == b:
        return True
    if difflib.SequenceMatcher(None, a, b).ratio() >= LOOKALIKE_CUTOFF:
        return True
    # Short words score low on the ratio for one slip ("Lee"/"Lea" 0.67), so count edits.
    return min(len(a), len(b)) >= 3 and _distance(a, b, limit=1) <= 1


def _distance(a: str, b: str, *, limit: int) -> int:
    """Edits (insert, delete, substitute, swap two neighbours) from a to b; any answer
    above `limit` is reported as limit + 1, so long different names cost little."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)
