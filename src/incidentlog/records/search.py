"""`incidentlog search`: find how a similar case was handled before.

Every word must appear in the description, the resolution or the later resolution, as a
word or the start of one ("refund" finds "refunded"), case- and accent-insensitively. SQLite answers from an FTS5
index kept in step by triggers (migrations 0003 and 0004) and ranks by BM25; PostgreSQL answers from a
GIN text index ranked by ts_rank; a SQLite built without FTS5 falls back to LIKE, newest
first. The snippet is cut the same way on every backend.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from incidentlog.core import names
from incidentlog.core.errors import InvalidInput
from incidentlog.records.reading import IncidentJson, incident_json
from incidentlog.storage.connection import Conn

SELECT = """
SELECT i.id, c.name AS customer, c.contact AS contact, r.name AS reason,
       i.resolved_on_spot, s.name AS store, a.name AS agent, i.at, i.description,
       i.resolution, i.channel, i.follow_up, i.resolved_at, i.later_resolution
"""
JOINS = """
JOIN customer c ON c.id = i.customer_id
JOIN reason r ON r.id = i.reason_id
JOIN store s ON s.id = i.store_id
JOIN agent a ON a.id = i.agent_id
"""
# Must stay identical to the expression the GIN index of migration 0004 is built on.
PG_DOCUMENT = (
    "to_tsvector('simple', i.description || ' ' || i.resolution || ' ' || "
    "coalesce(i.later_resolution, ''))"
)
MAX_TERMS = 20


class SearchHit(IncidentJson):
    """An incident found, with a few words around the first match."""

    snippet: str


SNIPPET_WORDS = 16
# Words as the FTS5 tokenizer sees them: letters and digits; an underscore separates.
_WORD = re.compile(r"[^\W_]+")


def terms(text: str) -> list[str]:
    """The words searched for, in matching form; punctuation and query syntax are ignored."""
    found = list(dict.fromkeys(names.key(w) for w in _WORD.findall(text)))
    if not found:
        raise InvalidInput("Give a word to search for, e.g. incidentlog search refund.")
    if len(found) > MAX_TERMS:
        raise InvalidInput(f"Search for at most {MAX_TERMS} words at a time.")
    return found


def _unaccented(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _has_fts(conn: Conn) -> bool:
    return bool(
        conn.scalar(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'incident_fts'"
        )
    )


def _period(start: dt.date | None, end: dt.date | None) -> tuple[str, dict[str, Any]]:
    clauses, params = [], {}
    if start is not None:
        clauses.append("i.day >= :start")
        params["start"] = start
    if end is not None:
        clauses.append("i.day <= :end")
        params["end"] = end
    return "".join(f" AND {c}" for c in clauses), params


def _query(conn: Conn, words: list[str], period: str) -> str:
    if conn.dialect == "postgresql":
        return (
            SELECT
            + f", ts_rank({PG_DOCUMENT}, to_tsquery('simple', :query)) AS score FROM incident i"
            + JOINS
            + f" WHERE {PG_DOCUMENT} @@ to_tsquery('simple', :query){period}"
            + " ORDER BY score DESC, i.at DESC, i.id DESC"
        )
    if _has_fts(conn):
        return (
            SELECT
            + ", bm25(incident_fts) AS score FROM incident_fts"
            + " JOIN incident i ON i.id = incident_fts.rowid"
            + JOINS
            + f" WHERE incident_fts MATCH :query{period}"
            + " ORDER BY score, i.at DESC, i.id DESC"
        )
    likes = " AND ".join(
        f"(i.description LIKE :w{n} OR i.resolution LIKE :w{n} OR i.later_resolution LIKE :w{n})"
        for n in range(len(words))
    )
    return (
        SELECT + " FROM incident i" + JOINS + f" WHERE {likes}{period}"
        " ORDER BY i.at DESC, i.id DESC"
    )


def search(
    conn: Conn,
    text: str,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    limit: int | None = None,
    marks: tuple[str, str] = ("**", "**"),
) -> list[SearchHit]:
    """Incidents matching every word, best match first, each with a `snippet` in which the
    matching words are wrapped in `marks`."""
    words = terms(text)
    period, params = _period(start, end)
    sql = _query(conn, words, period)
    if conn.dialect == "postgresql":
        # The 'simple' text configuration lowercases but keeps accents.
        typed = dict.fromkeys(w.lower() for w in _WORD.findall(text))
        params["query"] = " & ".join(f"{w}:*" for w in typed)
    else:
        # FTS5 folds case and drops accents but, unlike casefold(), keeps "ß" as it is.
        typed = dict.fromkeys(_unaccented(w).lower() for w in _WORD.findall(text))
        params["query"] = " ".join(f'"{w}"*' for w in typed)
        params.update({f"w{n}": f"%{w}%" for n, w in enumerate(words)})
    if limit is not None:
        sql += " LIMIT :limit"
        params["limit"] = limit
    found: list[SearchHit] = []
    for row in conn.iter_rows(sql, params):
        item = incident_json(row)
        found.append(
            {
                **item,
                "snippet": snippet(
                    row["description"], row["resolution"], words, marks, row["later_resolution"]
                ),
            }
        )
    return found


def _matches(word: str, words: list[str]) -> bool:
    key = names.key(word)
    return any(key.startswith(w) for w in words)


def snippet(
    description: str,
    resolution: str,
    words: list[str],
    marks: tuple[str, str] = ("**", "**"),
    later_resolution: str | None = None,
) -> str:
    """A few words around the first match, from the description, else the resolution, else
    the later resolution."""
    for text in (description or "", resolution or "", later_resolution or ""):
        tokens = list(_WORD.finditer(text))
        hits = [n for n, t in enumerate(tokens) if _matches(t.group(), words)]
        if hits:
            return _cut(text, tokens, hits, marks)
    text = description or resolution or ""
    return _cut(text, list(_WORD.finditer(text)), [], marks)


def _cut(text: str, tokens: list[re.Match[str]], hits: list[int], marks: tuple[str, str]) -> str:
    if not tokens:
        return text.strip()
    # The window starts a little before the first match, but never runs past the end.
    first = max(0, min((hits[0] if hits else 0) - SNIPPET_WORDS // 4, len(tokens) - SNIPPET_WORDS))
    last = min(len(tokens), first + SNIPPET_WORDS) - 1
    start = 0 if first == 0 else tokens[first].start()
    end = len(text) if last == len(tokens) - 1 else tokens[last].end()
    pieces = []
    position = start
    for n in hits:
        if n < first or n > last:
            continue
        token = tokens[n]
        pieces.append(text[position : token.start()])
        pieces.append(marks[0] + token.group() + marks[1])
        position = token.end()
    pieces.append(text[position:end])
    shown = " ".join("".join(pieces).split())
    return ("…" if start > 0 else "") + shown + ("…" if end < len(text) else "")
