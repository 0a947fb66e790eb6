"""How listing text becomes index words, and a search becomes a query, on both databases.

Neither SQLite's tokenizers nor PostgreSQL's parsers split Chinese: a run of Han
characters is one token, so 铬矿 would not find 优质铬矿石. FTS5's trigram tokenizer finds
nothing for 2-character terms, and most trade words are two characters (铬矿, 雷管). So
Chinese is written to the index as overlapping character bigrams (优质 质铬 铬矿 矿石),
and a Chinese search term becomes the phrase of its bigrams (铬矿石 -> "铬矿 矿石"),
which must occur side by side. One scheme, the same on both databases, with no
dictionary to keep up (a segmenter such as jieba splits 铬矿石 into one word and then
misses 铬矿). Other text (English, Urdu, numbers) is cut into word characters, so
"TNT/RDX" indexes as "TNT RDX" (PostgreSQL's parser would keep it as one file-path token).

HS codes index with their 2-, 4- and 6-digit prefixes and UN numbers with and without the
"UN" prefix; a search writes them either way ("2610.00", "UN 0241", "un0241", "0241").

A search is a list of clauses that must all hold; a clause is a list of alternatives
(a phrase and its synonyms) of which one must; a phrase is a list of terms side by side.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from app.services.catalog.synonyms import SYNONYM_GROUPS

MAX_QUERY_TOKENS = 12
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TERM = re.compile(rf"[{_HAN}]+|[^\W{_HAN}]+")
_HAN_RUN = re.compile(rf"[{_HAN}]+")
# "2610.00", "2610.00.10": an HS code written with dots; "UN 0241", "UN-0241".
_DOTTED_HS = re.compile(r"\b(\d{4})\.(\d{2})(?:\.(\d{2,4}))?\b")
_UN_NUMBER = re.compile(r"\bun[\s\-]*(\d{4})\b", re.IGNORECASE)


def is_han(term: str) -> bool:
    return bool(_HAN_RUN.fullmatch(term))


def bigrams(run: str) -> list[str]:
    """Overlapping character pairs of a Han run; a single character stands alone."""
    if len(run) < 2:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def index_words(text: str) -> str:
    """``text`` as the words the index keeps: word characters, Han runs as bigrams."""
    words: list[str] = []
    for term in _TERM.findall(unicodedata.normalize("NFKC", text or "")):
        words.extend(bigrams(term) if is_han(term) else [term])
    return " ".join(words)


def code_words(hs_code: str, un_number: str | None) -> str:
    """The HS code with its chapter/heading/subheading prefixes, and the UN number both ways."""
    hs = re.sub(r"\D", "", hs_code or "")
    words = {hs, hs[:2], hs[:4], hs[:6]} - {""}
    if un_number:
        digits = re.sub(r"\D", "", un_number)
        words |= {digits, "un" + digits}
    return " ".join(sorted(words))


def _terms(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text or "")[:500]
    text = _DOTTED_HS.sub(lambda m: "".join(part for part in m.groups() if part), text)
    text = _UN_NUMBER.sub(lambda m: m.group(1), text)
    return [term.lower() for term in _TERM.findall(text)]


Phrase = tuple[str, ...]


@dataclass(frozen=True)
class Clause:
    """One thing the listing must contain: any of ``alternatives``."""

    alternatives: tuple[Phrase, ...]
    # The last word typed may be unfinished: matched as a prefix when it stands alone.
    prefix: bool = False


def _singular(term: str) -> str:
    """A crude English singular, only to look synonyms up ("caps" -> "cap"); the index
    stems the words themselves."""
    if len(term) > 3 and term.endswith("s") and not term.endswith("ss") and term.isascii():
        return term[:-1]
    return term


def _synonym_index() -> dict[Phrase, tuple[Phrase, ...]]:
    index: dict[Phrase, tuple[Phrase, ...]] = {}
    for group in SYNONYM_GROUPS:
        phrases = tuple(tuple(_terms(phrase)) for phrase in group)
        for phrase in phrases:
            index[tuple(map(_singular, phrase))] = phrases
    return index


_SYNONYMS = _synonym_index()
_LONGEST = max(len(phrase) for phrase in _SYNONYMS)


def parse_search(text: str) -> list[Clause]:
    """The clauses of a search, at most ``MAX_QUERY_TOKENS`` words, synonyms widened."""
    terms = _terms(text)[:MAX_QUERY_TOKENS]
    clauses: list[Clause] = []
    position = 0
    while position < len(terms):
        for size in range(min(_LONGEST, len(terms) - position), 0, -1):
            phrase = tuple(map(_singular, terms[position : position + size]))
            if phrase in _SYNONYMS:
                clauses.append(Clause(_SYNONYMS[phrase]))
                position += size
                break
        else:
            term = terms[position]
            position += 1
            last = position == len(terms)
            clauses.append(Clause(((term,),), prefix=last and not is_han(term)))
    return clauses


def normalised_terms(text: str) -> tuple[str, ...]:
    """The search's terms as a cache key: equal for searches that find the same listings."""
    return tuple(term for term in _terms(text)[:MAX_QUERY_TOKENS])


def _phrase_words(phrase: Phrase) -> list[str]:
    words: list[str] = []
    for term in phrase:
        words.extend(bigrams(term) if is_han(term) else [term])
    return words


def fts5_match(clauses: list[Clause]) -> str:
    """An FTS5 MATCH expression; every term quoted, so the search is data, never syntax."""
    parts: list[str] = []
    for clause in clauses:
        options = []
        for phrase in clause.alternatives:
            quoted = '"' + " ".join(_phrase_words(phrase)).replace('"', "") + '"'
            options.append(quoted + ("*" if clause.prefix else ""))
        parts.append("(" + " OR ".join(options) + ")")
    return " AND ".join(parts)


def tsquery_alternatives(clause: Clause) -> list[tuple[str, bool]]:
    """A clause as to_tsquery texts, each with whether it also goes through 'english'.

    Han phrases are matched as written ('simple'); words both stemmed ('english', as the
    English text is indexed) and as written ('simple': codes, names, Urdu).
    """
    texts: list[tuple[str, bool]] = []
    for phrase in clause.alternatives:
        words = _phrase_words(phrase)
        query = " <-> ".join(words) + (":*" if clause.prefix else "")
        texts.append((query, not any(is_han(term) for term in phrase)))
    return texts
