"""SQLite-only full-text search. All SQLite-specific SQL of xfdesk lives here.

Two kinds of FTS5 index per searched table, kept in sync by triggers (so no service has to remember to index):

* ``*_fts``: external-content tables with the ``trigram`` tokenizer. Any substring of three or more characters
  (Chinese or not) is found through the index: names, villages, addresses, ID numbers, phones, matter text.
* ``*_grams``: contentless ``detail=none`` tables holding every two-character window of the short Chinese fields as
  a ``unicode61`` token. The trigram tokenizer cannot match queries shorter than three characters, yet most Chinese
  names have two (张三) and villages are typed as two (大畲); these tables answer those queries from an index too.
  Windows are cut by the trigger itself, joining the text with the ``search_seq`` table of positions (SQLite allows
  no recursive CTE inside a trigger, and a Python function would be missing on connections that did not register it).

Queries take a parsed query (``services.search.ParsedQuery``: duck-typed, storage does not import services) and a
``run(sql, params) -> rows`` (the services' session, or the benchmark's plain ``sqlite3`` connection).
"""

from __future__ import annotations

import contextlib
import heapq
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

GRAM_SOURCE_LIMIT = 2000  # characters of a field cut into two-character windows (the trigram index covers all)
FTS_TABLES = ("petitioner_fts", "petitioner_grams", "matter_fts", "matter_grams")
UPPER = "\U0010ffff"  # sorts after every character: ``x >= t AND x < t || UPPER`` is an index-friendly prefix test

_PERSON_TEXT = ("name", "village", "address")
_PERSON_DIGITS = ("id_number", "phone")
_MATTER_TEXT = ("number", "summary", "details", "category", "location")


def _person_gram_source(row: str) -> str:
    return f"{row}.name || ' ' || {row}.village || ' ' || {row}.address"


def _matter_gram_source(row: str) -> str:
    return (f"{row}.summary || ' ' || {row}.category || ' ' || {row}.location || ' ' || "
            f"substr({row}.details, 1, {GRAM_SOURCE_LIMIT})")


def _grams(source: str) -> str:
    """SQL expression: the two-character windows of ``source`` separated by spaces (NULL for empty text)."""
    return (f"(SELECT group_concat(substr(s.src, q.n, 2), ' ') FROM (SELECT {source} AS src) AS s "
            f"JOIN search_seq AS q ON q.n < length(s.src))")


def _schema() -> list[str]:
    cols_p = ", ".join(_PERSON_TEXT + _PERSON_DIGITS)
    cols_m = ", ".join(_MATTER_TEXT)
    new_p = ", ".join(f"new.{c}" for c in _PERSON_TEXT + _PERSON_DIGITS)
    old_p = ", ".join(f"old.{c}" for c in _PERSON_TEXT + _PERSON_DIGITS)
    new_m = ", ".join(f"new.{c}" for c in _MATTER_TEXT)
    old_m = ", ".join(f"old.{c}" for c in _MATTER_TEXT)
    p_grams_new, p_grams_old = _grams(_person_gram_source("new")), _grams(_person_gram_source("old"))
    m_grams_new, m_grams_old = _grams(_matter_gram_source("new")), _grams(_matter_gram_source("old"))
    return [
        "CREATE TABLE IF NOT EXISTS search_seq (n INTEGER PRIMARY KEY)",
        f"INSERT OR IGNORE INTO search_seq (n) WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s "
        f"WHERE n < {GRAM_SOURCE_LIMIT + 400}) SELECT n FROM s",
        # people
        f"CREATE VIRTUAL TABLE IF NOT EXISTS petitioner_fts USING fts5({cols_p}, content='petitioner', "
        f"content_rowid='id', tokenize='trigram')",
        "CREATE VIRTUAL TABLE IF NOT EXISTS petitioner_grams USING fts5(grams, content='', detail='none', "
        "tokenize='unicode61')",
        f"""CREATE TRIGGER IF NOT EXISTS petitioner_search_ai AFTER INSERT ON petitioner BEGIN
              INSERT INTO petitioner_fts (rowid, {cols_p}) VALUES (new.id, {new_p});
              INSERT INTO petitioner_grams (rowid, grams) VALUES (new.id, {p_grams_new});
            END""",
        f"""CREATE TRIGGER IF NOT EXISTS petitioner_search_ad AFTER DELETE ON petitioner BEGIN
              INSERT INTO petitioner_fts (petitioner_fts, rowid, {cols_p}) VALUES ('delete', old.id, {old_p});
              INSERT INTO petitioner_grams (petitioner_grams, rowid, grams) VALUES ('delete', old.id, {p_grams_old});
            END""",
        f"""CREATE TRIGGER IF NOT EXISTS petitioner_search_au AFTER UPDATE OF {cols_p} ON petitioner BEGIN
              INSERT INTO petitioner_fts (petitioner_fts, rowid, {cols_p}) VALUES ('delete', old.id, {old_p});
              INSERT INTO petitioner_grams (petitioner_grams, rowid, grams) VALUES ('delete', old.id, {p_grams_old});
              INSERT INTO petitioner_fts (rowid, {cols_p}) VALUES (new.id, {new_p});
              INSERT INTO petitioner_grams (rowid, grams) VALUES (new.id, {p_grams_new});
            END""",
        # matters
        f"CREATE VIRTUAL TABLE IF NOT EXISTS matter_fts USING fts5({cols_m}, content='matter', content_rowid='id', "
        f"tokenize='trigram')",
        "CREATE VIRTUAL TABLE IF NOT EXISTS matter_grams USING fts5(grams, content='', detail='none', "
        "tokenize='unicode61')",
        f"""CREATE TRIGGER IF NOT EXISTS matter_search_ai AFTER INSERT ON matter BEGIN
              INSERT INTO matter_fts (rowid, {cols_m}) VALUES (new.id, {new_m});
              INSERT INTO matter_grams (rowid, grams) VALUES (new.id, {m_grams_new});
            END""",
        f"""CREATE TRIGGER IF NOT EXISTS matter_search_ad AFTER DELETE ON matter BEGIN
              INSERT INTO matter_fts (matter_fts, rowid, {cols_m}) VALUES ('delete', old.id, {old_m});
              INSERT INTO matter_grams (matter_grams, rowid, grams) VALUES ('delete', old.id, {m_grams_old});
            END""",
        f"""CREATE TRIGGER IF NOT EXISTS matter_search_au AFTER UPDATE OF {cols_m} ON matter BEGIN
              INSERT INTO matter_fts (matter_fts, rowid, {cols_m}) VALUES ('delete', old.id, {old_m});
              INSERT INTO matter_grams (matter_grams, rowid, grams) VALUES ('delete', old.id, {m_grams_old});
              INSERT INTO matter_fts (rowid, {cols_m}) VALUES (new.id, {new_m});
              INSERT INTO matter_grams (rowid, grams) VALUES (new.id, {m_grams_new});
            END""",
    ]


def _exec(bind, sql: str, params: dict | tuple | None = None):  # noqa: ANN001, ANN202
    """Run driver-level SQL on a SQLAlchemy Connection, Engine or Session."""
    if hasattr(bind, "connection") and hasattr(bind, "get_bind"):  # a Session
        bind = bind.connection()
    if hasattr(bind, "exec_driver_sql"):
        return bind.exec_driver_sql(sql, params) if params is not None else bind.exec_driver_sql(sql)
    with bind.begin() as conn:  # an Engine
        return conn.exec_driver_sql(sql, params) if params is not None else conn.exec_driver_sql(sql)


def create_index(bind) -> None:  # noqa: ANN001
    """Create the FTS5 tables and the triggers that keep them in sync (idempotent: safe to run again)."""
    fresh = not has_index(bind)
    for statement in _schema():
        _exec(bind, statement)
    if fresh:
        # tables that already held rows (an older database) get them indexed now
        rebuild_index(bind)


def has_index(bind) -> bool:  # noqa: ANN001
    names = {r[0] for r in _exec(bind, "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")}
    return set(FTS_TABLES) | {"matter_search_au", "petitioner_search_au"} <= names


def rebuild_index(bind) -> None:  # noqa: ANN001
    """Rebuild every search index from the tables (after a bulk load with triggers off, or to repair)."""
    _exec(bind, "INSERT INTO petitioner_fts (petitioner_fts) VALUES ('rebuild')")
    _exec(bind, "INSERT INTO matter_fts (matter_fts) VALUES ('rebuild')")
    _exec(bind, "INSERT INTO petitioner_grams (petitioner_grams) VALUES ('delete-all')")
    _exec(bind, "INSERT INTO matter_grams (matter_grams) VALUES ('delete-all')")
    _exec(bind, f"INSERT INTO petitioner_grams (rowid, grams) SELECT p.id, {_grams(_person_gram_source('p'))} "
                f"FROM petitioner AS p")
    _exec(bind, f"INSERT INTO matter_grams (rowid, grams) SELECT m.id, {_grams(_matter_gram_source('m'))} "
                f"FROM matter AS m")


_SEARCHED = (("petitioner", "petitioner_fts", "petitioner_grams", _PERSON_TEXT + _PERSON_DIGITS, _person_gram_source),
             ("matter", "matter_fts", "matter_grams", _MATTER_TEXT, _matter_gram_source))


def _trigger_statements() -> dict[str, str]:
    """The index triggers of ``_schema`` by name."""
    return {sql.split()[5]: sql for sql in _schema() if sql.startswith("CREATE TRIGGER")}


@contextlib.contextmanager
def index_filled_after(bind) -> Iterator[None]:  # noqa: ANN001
    """Inside one write transaction: people and matters inserted in the block are indexed once, when it ends.

    Indexed row by row (the triggers), every insert flushed its own small FTS5 segment and the merges grew with the
    office: a bulk write (the demo office, a large import) spent most of its time there. In the block the insert
    triggers are off and the update/delete triggers act only on rows indexed before it (a new row's update needs no
    index work: it is indexed as it is at the end). At the end the new rows are indexed with one statement per
    index and the triggers are put back, all in the caller's transaction: another desk never sees the triggers gone,
    and a rollback undoes the lot."""
    before = {table: _exec(bind, f"SELECT coalesce(max(id), 0) FROM {table}").scalar() for table, *_ in _SEARCHED}
    triggers = _trigger_statements()
    for name in triggers:
        _exec(bind, f"DROP TRIGGER IF EXISTS {name}")
    for name, sql in triggers.items():
        table = name.split("_search_")[0]
        if not name.endswith("_ai"):
            _exec(bind, sql.replace(" BEGIN", f" WHEN old.id <= {int(before[table])} BEGIN", 1))
    yield
    for name in triggers:
        _exec(bind, f"DROP TRIGGER IF EXISTS {name}")
    for sql in triggers.values():
        _exec(bind, sql)
    for table, fts, grams, columns, gram_source in _SEARCHED:
        cols = ", ".join(columns)
        _exec(bind, f"INSERT INTO {fts} (rowid, {cols}) SELECT id, {cols} FROM {table} WHERE id > :n",
              {"n": before[table]})
        _exec(bind, f"INSERT INTO {grams} (rowid, grams) SELECT r.id, {_grams(gram_source('r'))} FROM {table} AS r "
                    "WHERE r.id > :n", {"n": before[table]})


def check_index(bind) -> None:  # noqa: ANN001
    """FTS5 integrity checks (raise sqlite errors when an index disagrees with its table)."""
    for table in ("petitioner_fts", "matter_fts"):
        _exec(bind, f"INSERT INTO {table} ({table}, rank) VALUES ('integrity-check', 1)")
    for table in ("petitioner_grams", "matter_grams"):
        _exec(bind, f"INSERT INTO {table} ({table}) VALUES ('integrity-check')")


def prepare_bulk_load(bind, cache_kib: int) -> None:  # noqa: ANN001
    """A bigger page cache for a connection that writes many rows (the demo office, a large import): beyond
    SQLite's default 2 MB, every index page of every insert and FTS5's segment merges are read again from the file."""
    _exec(bind, f"PRAGMA cache_size = -{int(cache_kib)}")


def refresh_statistics(bind, *, sample: bool = False) -> None:  # noqa: ANN001
    """Table statistics for the query planner. Without them SQLite may pick a less selective index, e.g. a matter's
    open deadlines looked up through (state, due_on).

    Whole by default (a few seconds at 300,000 matters, after a migration or ``init``): a sampled ANALYZE
    (``analysis_limit``) reported about 400 rows for each value of a leading column, so ``name = 'notice'`` among
    100,000 deadlines looked as selective as a matter's own and the F4 queue read every notice clock (450 ms instead
    of 7). ``sample``: a few hundred rows per index, for refreshing often while a bulk write grows the office."""
    _exec(bind, f"PRAGMA analysis_limit = {400 if sample else 0}")
    _exec(bind, "ANALYZE")


# -- queries --------------------------------------------------------------------------------------------------------
#
# A search collects the ids each term matches from the indexes (FTS5 rowids, B-tree ranges), intersects them in
# Python, takes the few exact hits of the top ranks from equality indexes, and reads only the page's rows. No
# statement sorts, joins or counts every matching row, so a word found in half of 100,000 matters (要求) costs about
# as much as a rare one, and totals are exact.

Run = Callable[[str, dict[str, Any]], list]

WITHIN_LIMIT = 20000  # up to this many rows found by other terms, a broad term is checked within them
PERSON_FANOUT_LIMIT = 3000  # a term matching more people (a region code, one initial) does not list all their matters
MAX_PHONE_DIGITS = 12  # landline with area code; a longer number is (part of) an ID number
RANK_SCAN_LIMIT = 3000  # prefix/phone-tail ranking is computed on up to this many matches (exact ranks always)


def _phrase(term: str) -> str:
    """An FTS5 string literal: the term is matched literally (operators and quotes inside it lose their meaning)."""
    return '"' + term.replace('"', '""') + '"'


def _column_match(columns: tuple[str, ...], term: str) -> str:
    return "{" + " ".join(columns) + "}: " + _phrase(term)


def _ids(run: Run, sql: str, params: dict[str, Any] | None = None) -> set[int]:
    return {r[0] for r in run(sql, params or {})}


def _fts(run: Run, table: str, match: str) -> set[int]:
    return _ids(run, f"SELECT rowid FROM {table} WHERE {table} MATCH :m", {"m": match})


def _id_list(ids: set[int] | list[int]) -> str:
    """Ids as one JSON parameter, read back with ``json_each``: any number of ids in one bound value."""
    return json.dumps(sorted(ids))


def _filter(run: Run, ids: set[int], table: str, condition: str, params: dict[str, Any]) -> set[int]:
    """The ``ids`` of ``table`` whose row meets ``condition``."""
    if not ids:
        return set()
    return _ids(run, f"SELECT id FROM {table} WHERE id IN (SELECT value FROM json_each(:_ids)) AND ({condition})",
                {**params, "_ids": _id_list(ids)})


def _intersect(sets: list[set[int]]) -> set[int]:
    sets = sorted(sets, key=len)
    out = set(sets[0])
    for other in sets[1:]:
        out &= other
    return out


def _marks(prefix: str, values: list[str]) -> tuple[str, dict[str, Any]]:
    return ", ".join(f":{prefix}{n}" for n in range(len(values))), {f"{prefix}{n}": v for n, v in enumerate(values)}


@dataclass
class IndexedIds:
    """Matches left in their FTS5 index instead of read into Python: counted there, and paged newest first from it
    (``ORDER BY rowid DESC LIMIT``, which FTS5 walks backwards and stops early). Reading the 200,000 rowids of a
    common word (要求, 问题 at 300,000 matters) into a set cost about 140 ms; counting them in SQLite costs a tenth
    of that and the page a tenth of a millisecond."""

    run: Run
    table: str
    match: str
    count: int

    def newest(self, n: int) -> list[int]:
        if n <= 0:
            return []
        return [r[0] for r in self.run(f"SELECT rowid FROM {self.table} WHERE {self.table} MATCH :m "
                                       f"ORDER BY rowid DESC LIMIT {int(n)}", {"m": self.match})]


@dataclass
class Hits:
    """All matching ids of one list, and the ordered ids of the ranks before "every other match".

    ``indexed``: further matches (none of them in ``ids``) kept in their index; a ranked id may be among them."""

    ids: set[int]
    ranks: list[list[int]]
    indexed: IndexedIds | None = None

    @property
    def total(self) -> int:
        return len(self.ids) + (self.indexed.count if self.indexed else 0)

    def page(self, *, limit: int, offset: int) -> list[int]:
        """Rank by rank, newest first (highest id) within a rank; only the page is sorted out of the rest."""
        ordered: list[int] = []
        seen: set[int] = set()
        for rank in self.ranks:
            for i in rank:
                if i not in seen:
                    seen.add(i)
                    ordered.append(i)
        need = offset + limit
        if len(ordered) < need:
            missing = need - len(ordered)
            rest = heapq.nlargest(missing, self.ids - seen)
            if self.indexed is not None:
                newest = [i for i in self.indexed.newest(missing + len(seen)) if i not in seen]
                rest = heapq.nlargest(missing, rest + newest)
            ordered += rest
        return ordered[offset:need]


# -- one text term: matches counted and paged by the index ------------------------------------------------------------
#
# A query of one word is what the desk sends on every keystroke, and a common one (要求, 村民) matches most of the
# office. Its matches then stay in the FTS5 index (``IndexedIds``); only the few rows that must be combined with them
# in Python (the matters of the people the word finds, the exact-name rank) are read, and checked against the word by
# the text the index was built from, with the index's own meaning (see ``_indexed_text``).

INDEX_PAGE_FROM = 3000  # a single word matching more rows than this is counted and paged by its index


def _literal(term: str) -> bool:
    """True when ``instr`` on the indexed text means what the index means for ``term``: letters and digits without
    case (Chinese, digits), so neither the tokenizers' case folding nor unicode61's separators come into it."""
    return all(ch.isalnum() and ch.lower() == ch.upper() for ch in term)


def _indexed_text(row: str, columns: tuple[str, ...], gram_source, term: str) -> str:  # noqa: ANN001
    """SQL: the row's indexed text holds ``term`` (``:t``), as its index would find it. Two characters: a window of the
    same source the ``*_grams`` trigger cuts (positions up to ``search_seq``'s last); more: a substring of one
    column, as the trigram index finds a phrase (it never spans columns). NULL text is in neither."""
    if len(term) == 2:
        return f"instr(substr({gram_source(row)}, 1, {GRAM_SOURCE_LIMIT + 401}), :t) > 0"
    return "(" + " OR ".join(f"instr({row}.{c}, :t) > 0" for c in columns) + ")"


def _word_index(table: str, term: str, columns: tuple[str, ...]) -> tuple[str, str]:
    """(FTS5 table, MATCH expression) through which ``term`` is found in ``table``'s text columns."""
    if len(term) == 2:
        return f"{table}_grams", _phrase(term)
    return f"{table}_fts", _column_match(columns, term)


def _count(run: Run, table: str, match: str) -> int:
    return int(run(f"SELECT count(*) FROM {table} WHERE {table} MATCH :m", {"m": match})[0][0])


def _one_word(q) -> str | None:  # noqa: ANN001
    """The query's only term when it is one word of two or more literal characters."""
    if len(q.terms) != 1:
        return None
    term, kind = q.terms[0]
    return term if kind == "text" and len(term) >= 2 and _literal(term) else None


def _with_text(run: Run, ids: set[int], table: str, columns: tuple[str, ...], gram_source, term: str) -> set[int]:  # noqa: ANN001
    return _filter(run, ids, table, _indexed_text(table, columns, gram_source, term), {"t": term})


def _one_word_people(run: Run, q) -> Hits | None:  # noqa: ANN001
    """People of a one-word query matching more than ``RANK_SCAN_LIMIT`` (whose prefix rank is not computed then):
    the exact names first, then every match newest first from the index. None: the ordinary path."""
    term = _one_word(q)
    if term is None:
        return None
    table, match = _word_index("petitioner", term, _PERSON_TEXT)
    count = _count(run, table, match)
    if count <= max(RANK_SCAN_LIMIT, INDEX_PAGE_FROM):
        return None
    exact = _ids(run, "SELECT id FROM petitioner WHERE name = :n", {"n": term})
    exact = _with_text(run, exact, "petitioner", _PERSON_TEXT, _person_gram_source, term)
    return Hits(set(), [_newest(exact)], IndexedIds(run, table, match, count))


def _one_word_matters(run: Run, q, see_restricted: bool) -> Hits | None:  # noqa: ANN001
    """Matters of a one-word query whose own text matches more than ``INDEX_PAGE_FROM``: those stay in the index;
    the matters of the people the word finds (when few enough to list) and of an exact-named person are read and
    checked against the word, so each match is counted once. None: the ordinary path."""
    term = _one_word(q)
    if term is None:
        return None
    table, match = _word_index("matter", term, _MATTER_TEXT)
    count = _count(run, table, match)
    if count <= INDEX_PAGE_FROM:
        return None
    people_table, people_match = _word_index("petitioner", term, _PERSON_TEXT)
    theirs: set[int] = set()
    if _count(run, people_table, people_match) <= PERSON_FANOUT_LIMIT:
        theirs = _matters_of(run, _fts(run, people_table, people_match), see_restricted)
    own_of_theirs = _with_text(run, theirs, "matter", _MATTER_TEXT, _matter_gram_source, term)
    hidden = "" if see_restricted else " AND m.is_restricted = 0"
    exact = _ids(run, "SELECT m.id FROM petitioner AS p JOIN matter AS m ON m.petitioner_id = p.id "
                      f"WHERE (p.name = :n OR p.id_number = :n OR p.phone = :n){hidden}", {"n": term})
    exact = (exact & theirs) | _with_text(run, exact - theirs, "matter", _MATTER_TEXT, _matter_gram_source, term)
    return Hits(theirs - own_of_theirs, [_newest(exact)], IndexedIds(run, table, match, count))


def _person_sets(run: Run, q) -> tuple[list[set[int]], list[str]] | None:  # noqa: ANN001
    """Id sets every matching petitioner is in (one per index used) and the one-character terms left to filter."""
    if not q.person_terms_ok:
        return None
    sets: list[set[int]] = []
    tri = [_column_match(_PERSON_TEXT, t) for t in q.text_terms if len(t) >= 3]
    grams = [_phrase(t) for t in q.text_terms if len(t) == 2]
    if tri:
        sets.append(_fts(run, "petitioner_fts", " AND ".join(tri)))
    for t in q.digit_terms:
        if len(t) >= 3:
            sets.append(_digits_people(run, t))
    if grams:
        sets.append(_fts(run, "petitioner_grams", " AND ".join(grams)))
    for t in q.letter_terms:
        sets.append(_ids(run, "SELECT id FROM petitioner WHERE name_initials >= :a AND name_initials < :b",
                         {"a": t, "b": t + "{"}))
    singles = [t for t in q.text_terms if len(t) == 1]
    if singles and not sets:
        # only one-character terms: the first is a surname (a prefix of the name, through the name index)
        sets.append(_ids(run, "SELECT id FROM petitioner WHERE name >= :a AND name < :b",
                         {"a": singles[0], "b": singles[0] + UPPER}))
        singles = singles[1:]
    return (sets, singles) if sets else None


def _digits_people(run: Run, digits: str) -> set[int]:
    """People whose ID number or phone starts with ``digits`` (B-tree ranges: typing an ID digit by digit stays
    fast even while the prefix is the county's region code), or whose phone contains them (a tail, through the
    trigrams). The trigrams are skipped when the digits are what an ID number starts with (six or more, and some
    ID does) or longer than any phone: those trigrams are in every ID number, and reading them is the slow part."""
    by_id = _id_prefix_people(run, digits)
    ids = by_id | _ids(run, "SELECT id FROM petitioner WHERE phone >= :a AND phone < :b",
                       {"a": digits, "b": digits + UPPER})
    if len(digits) <= MAX_PHONE_DIGITS and not (len(digits) >= 6 and by_id):
        ids |= _fts(run, "petitioner_fts", _column_match(("phone",), digits))
    return ids


def _id_prefix_people(run: Run, digits: str) -> set[int]:
    """People whose ID number starts with ``digits`` (a range of the ID number's B-tree, read from the index alone)."""
    return _ids(run, "SELECT id FROM petitioner WHERE id_number >= :a AND id_number < :b",
                {"a": digits, "b": digits + UPPER})


def person_ids(run: Run, q) -> set[int] | None:  # noqa: ANN001
    """Every petitioner matching every term, or None when the query names no person (e.g. a matter number)."""
    found = _person_sets(run, q)
    if found is None:
        return None
    sets, singles = found
    ids = _intersect(sets)
    for t in singles:
        ids = _filter(run, ids, "petitioner", "instr(name || ' ' || village || ' ' || address, :t) > 0", {"t": t})
    return ids


def people_hits(run: Run, q) -> Hits | None:  # noqa: ANN001
    """Ranks: exact ID/phone; exact name or initials; name or ID prefix and phone tail; then any other match."""
    if (indexed := _one_word_people(run, q)) is not None:
        return indexed
    ids = person_ids(run, q)
    if ids is None:
        return None
    ranks: list[list[int]] = []
    if ids:
        digits = q.digit_terms
        if digits:
            marks, params = _marks("d", digits)
            ranks.append(_newest(ids & _ids(run, f"SELECT id FROM petitioner WHERE id_number IN ({marks}) "
                                                 f"OR phone IN ({marks})", params)))
        equal: list[str] = []
        params = {}
        for column, values, key in (("name", q.name_candidates, "n"), ("name_initials", q.letter_terms, "l")):
            if values:
                marks, more = _marks(key, values)
                equal.append(f"{column} IN ({marks})")
                params.update(more)
        if equal:
            ranks.append(_newest(ids & _ids(run, f"SELECT id FROM petitioner WHERE {' OR '.join(equal)}", params)))
        prefix: list[str] = []
        params = {}
        for n, t in enumerate(q.text_terms[:1]):
            prefix.append(f"substr(name, 1, {len(t)}) = :t{n}")
            params[f"t{n}"] = t
        for n, t in enumerate(digits):
            prefix.append(f"substr(id_number, 1, {len(t)}) = :g{n} OR substr(phone, -{len(t)}) = :g{n}")
            params[f"g{n}"] = t
        if prefix and len(ids) <= RANK_SCAN_LIMIT:
            # an ID-number prefix is that B-tree range: those people rank here without reading their rows (2,661
            # people of one county and birth year at 300,000 matters: 14 ms read row by row); the rest are checked
            by_id = ids & set().union(*(_id_prefix_people(run, t) for t in digits)) if digits else set()
            ranks.append(_newest(by_id | _filter(run, ids - by_id, "petitioner", " OR ".join(prefix), params)))
    return Hits(ids, ranks)


def _newest(ids: set[int]) -> list[int]:
    return sorted(ids, reverse=True)


def _matters_of(run: Run, people: set[int], see_restricted: bool, within: set[int] | None = None) -> set[int]:
    """The matters of every contact the people took part in (a group's members too), or only those ``within``.

    Without ``see_restricted`` a 检举控告 matter is never reached through its petitioner: searching the person
    must not reveal the restricted matter as theirs. Without ``within``, too many people (a region code typed so
    far, a village alone) list none: that would read most of the database."""
    if not people or within is not None and not within:
        return set()
    hidden = "" if see_restricted else " AND m.is_restricted = 0"
    sql = ("SELECT m.id FROM contactpetitioner AS cp JOIN matter AS m ON m.contact_id = cp.contact_id "
           f"WHERE cp.petitioner_id IN (SELECT value FROM json_each(:p)){hidden}")
    if within is not None and len(within) <= len(people):
        # fewer rows found by the other terms than people (a name within a whole village): their contacts' people
        # are read and checked here, one probe per found matter instead of one per person
        rows = run("SELECT m.id, cp.petitioner_id FROM matter AS m JOIN contactpetitioner AS cp "
                   f"ON cp.contact_id = m.contact_id WHERE m.id IN (SELECT value FROM json_each(:w)){hidden}",
                   {"w": _id_list(within)})
        return {r[0] for r in rows if r[1] in people}
    if within is not None and len(within) <= WITHIN_LIMIT:
        # the rows the other terms found, checked against these people: cost follows the smaller side
        return _ids(run, sql + " AND m.id IN (SELECT value FROM json_each(:w))",
                    {"p": _id_list(people), "w": _id_list(within)})
    if len(people) > PERSON_FANOUT_LIMIT:
        return set()
    found = _ids(run, sql, {"p": _id_list(people)})
    return found if within is None else found & within


@dataclass
class _TermParts:
    own: set[int]  # matters the term finds by their own text or number
    people: set[int]  # people the term finds (their matters match too)


def _matter_term(run: Run, q, term: str, kind: str) -> _TermParts | None:  # noqa: ANN001
    """What one term matches; None for a single character (it filters the rows the other terms found)."""
    if kind == "number":
        return _TermParts(_ids(run, "SELECT id FROM matter WHERE number = :n", {"n": term}), set())
    if kind == "digits":
        own: set[int] = set()
        numbers = q.matter_numbers.get(term) or []
        if numbers:
            marks, params = _marks("n", numbers)
            own = _ids(run, f"SELECT id FROM matter WHERE number IN ({marks})", params)
        return _TermParts(own, _digits_people(run, term) if len(term) >= 3 else set())
    if kind == "letters":
        return _TermParts(set(), _ids(run, "SELECT id FROM petitioner WHERE name_initials >= :a "
                                           "AND name_initials < :b", {"a": term, "b": term + "{"}))
    if len(term) >= 3:
        return _TermParts(_fts(run, "matter_fts", _column_match(_MATTER_TEXT, term)),
                          _fts(run, "petitioner_fts", _column_match(_PERSON_TEXT, term)))
    if len(term) == 2:
        return _TermParts(_fts(run, "matter_grams", _phrase(term)), _fts(run, "petitioner_grams", _phrase(term)))
    return None


def matter_ids(run: Run, q, *, see_restricted: bool) -> set[int] | None:  # noqa: ANN001
    """Every matter matching every term, or None when the query names no matter (one character alone)."""
    parts = [p for term, kind in q.terms if (p := _matter_term(run, q, term, kind)) is not None]
    if not parts:
        return None
    # the narrowest term first; the others are then checked within what it found
    parts.sort(key=lambda p: len(p.own) + 2 * len(p.people))
    ids: set[int] | None = None
    for part in parts:
        if ids is None:
            ids = part.own | _matters_of(run, part.people, see_restricted)
        else:
            ids = (part.own & ids) | _matters_of(run, part.people, see_restricted, within=ids)
    visible = "1" if see_restricted else "matter.is_restricted = 0"
    for t in (t for t in q.text_terms if len(t) == 1):  # e.g. the surname in ``张 工资``
        ids = _filter(run, ids, "matter",
                      "instr(summary || ' ' || location || ' ' || coalesce((SELECT p.name FROM petitioner AS p "
                      f"WHERE p.id = matter.petitioner_id AND {visible}), ''), :t) > 0", {"t": t})
    return ids


def matters_hits(run: Run, q, *, see_restricted: bool) -> Hits | None:  # noqa: ANN001
    """Ranks: the exact number; matters of an exact-matched (visible) person; then any other match."""
    if (indexed := _one_word_matters(run, q, see_restricted)) is not None:
        return indexed
    ids = matter_ids(run, q, see_restricted=see_restricted)
    if ids is None:
        return None
    ranks: list[list[int]] = []
    if ids:
        numbers = [n for ns in q.matter_numbers.values() for n in ns] + [t for t, k in q.terms if k == "number"]
        if numbers:
            marks, params = _marks("n", numbers)
            ranks.append(_newest(ids & _ids(run, f"SELECT id FROM matter WHERE number IN ({marks})", params)))
        exact = q.digit_terms + q.name_candidates
        if exact:
            marks, params = _marks("e", exact)
            hidden = "" if see_restricted else " AND m.is_restricted = 0"
            ranks.append(_newest(ids & _ids(
                run, f"SELECT m.id FROM petitioner AS p JOIN matter AS m ON m.petitioner_id = p.id "
                     f"WHERE (p.name IN ({marks}) OR p.id_number IN ({marks}) OR p.phone IN ({marks})){hidden}",
                params)))
    return Hits(ids, ranks)


def people_rows(run: Run, ids: list[int]) -> list:
    """(id, name, village, id_number, phone) of ``ids``, in their order."""
    if not ids:
        return []
    rows = run("SELECT id, name, village, id_number, phone FROM petitioner "
               "WHERE id IN (SELECT value FROM json_each(:ids))", {"ids": _id_list(ids)})
    by_id = {r[0]: r for r in rows}
    return [by_id[i] for i in ids if i in by_id]


def matter_rows(run: Run, ids: list[int]) -> list:
    """(id, number, summary, status, received_on, petitioner name, village, location, is_restricted) of ``ids``."""
    if not ids:
        return []
    rows = run("SELECT m.id, m.number, m.summary, m.status, m.received_on, p.name, p.village, m.location, "
               "m.is_restricted FROM matter AS m JOIN petitioner AS p ON p.id = m.petitioner_id "
               "WHERE m.id IN (SELECT value FROM json_each(:ids))", {"ids": _id_list(ids)})
    by_id = {r[0]: r for r in rows}
    return [by_id[i] for i in ids if i in by_id]


def person_stats(run: Run, ids: list[int], *, see_restricted: bool, open_statuses: list[str]) -> dict[int, tuple]:
    """Per person: (matters of the contacts they took part in, how many still open, the last contact's time)."""
    if not ids:
        return {}
    marks, params = _marks("s", open_statuses)
    hidden = "" if see_restricted else " AND m.is_restricted = 0"
    rows = run("SELECT cp.petitioner_id, count(m.id), sum(m.status IN (" + marks + ")), max(c.received_at) "
               "FROM contactpetitioner AS cp JOIN contact AS c ON c.id = cp.contact_id "
               "JOIN matter AS m ON m.contact_id = cp.contact_id "
               f"WHERE cp.petitioner_id IN (SELECT value FROM json_each(:ids)){hidden} GROUP BY cp.petitioner_id",
               {**params, "ids": _id_list(ids)})
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def matter_years(run: Run) -> tuple[int | None, int | None]:
    """(first, last) year with matters; each min()/max() alone is answered from the (year, seq) index."""
    return run("SELECT min(year) FROM matter", {})[0][0], run("SELECT max(year) FROM matter", {})[0][0]
