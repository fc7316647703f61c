"""SQLite-only full-text search. All SQLite-specific SQL of xfdesk lives here.

Two kinds of FTS5 index per searched table, kept in sync by triggers (so no service has to remember to index):

* ``*_fts``: external-content tables with the ``trigram`` tokenizer. Any substring of three or more characters
  (Chinese or not) is found through the index: names, villages, addresses, ID numbers, phones, matter text.
* ``*_grams``: contentless ``detail=none`` tables holding every two-character window of the short Chinese fields as
  a ``unicode61`` token. The trigram tokenizer cannot match queries shorter than three characters, yet most Chinese
  names have two (张三) and villages are typed as two (大畲); these tables answer those queries from an index too.
  Windows are cut by the trigger itself, joining the text with the ``search_seq`` table of positions (SQLite allows
  no recursive CTE inside a trigger, and a Python function would be missing on connections that did not register it).

Queries are built here from a parsed query (``services.search.ParsedQuery``: duck-typed, storage does not import
services); each returns the page of rows plus ``count(*) OVER ()`` so a page costs one statement.
"""

from __future__ import annotations

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


def check_index(bind) -> None:  # noqa: ANN001
    """FTS5 integrity checks (raise sqlite errors when an index disagrees with its table)."""
    for table in ("petitioner_fts", "matter_fts"):
        _exec(bind, f"INSERT INTO {table} ({table}, rank) VALUES ('integrity-check', 1)")
    for table in ("petitioner_grams", "matter_grams"):
        _exec(bind, f"INSERT INTO {table} ({table}) VALUES ('integrity-check')")


# -- queries --------------------------------------------------------------------------------------------------------


def _phrase(term: str) -> str:
    """An FTS5 string literal: the term is matched literally (operators and quotes inside it lose their meaning)."""
    return '"' + term.replace('"', '""') + '"'


def _column_match(columns: tuple[str, ...], term: str) -> str:
    return "{" + " ".join(columns) + "}: " + _phrase(term)


class _Sql:
    """Collects WHERE parts and numbered parameters of one statement."""

    def __init__(self) -> None:
        self.params: dict[str, Any] = {}

    def param(self, value: Any) -> str:
        key = f"p{len(self.params)}"
        self.params[key] = value
        return f":{key}"


def _person_conditions(q, sql: _Sql, alias: str = "p") -> list[str] | None:  # noqa: ANN001
    """WHERE parts that select the petitioners matching every term, or None when the query names no person."""
    if not q.person_terms_ok:
        return None
    parts: list[str] = []
    tri: list[str] = []
    grams: list[str] = []
    for t in q.text_terms:
        if len(t) >= 3:
            tri.append(_column_match(_PERSON_TEXT, t))
        elif len(t) == 2:
            grams.append(_phrase(t))
    for t in q.digit_terms:
        if len(t) >= 3:
            tri.append(_column_match(_PERSON_DIGITS, t))
    if tri:
        parts.append(f"{alias}.id IN (SELECT rowid FROM petitioner_fts WHERE petitioner_fts MATCH "
                     f"{sql.param(' AND '.join(tri))})")
    if grams:
        parts.append(f"{alias}.id IN (SELECT rowid FROM petitioner_grams WHERE petitioner_grams MATCH "
                     f"{sql.param(' AND '.join(grams))})")
    for t in q.letter_terms:
        parts.append(f"{alias}.name_initials >= {sql.param(t)} AND {alias}.name_initials < {sql.param(t + '{')}")
    singles = [t for t in q.text_terms if len(t) == 1]
    if singles and not parts:
        # only one-character terms: the first is a surname (prefix of the name, through the name index)
        parts.append(f"{alias}.name >= {sql.param(singles[0])} AND {alias}.name < {sql.param(singles[0] + UPPER)}")
        singles = singles[1:]
    for t in singles:
        parts.append(f"instr({alias}.name || ' ' || {alias}.village || ' ' || {alias}.address, {sql.param(t)}) > 0")
    return parts or None


def _person_rank(q, sql: _Sql, alias: str = "p") -> str:  # noqa: ANN001
    """0 exact ID/phone, 1 exact name or initials, 2 prefix (name, ID, initials) or phone tail, 3 substring."""
    exact_digits = [f"{alias}.{c} = {sql.param(t)}" for t in q.digit_terms for c in _PERSON_DIGITS]
    exact_name = [f"{alias}.name = {sql.param(t)}" for t in q.name_candidates]
    exact_name += [f"{alias}.name_initials = {sql.param(t)}" for t in q.letter_terms]
    prefix = [f"substr({alias}.name, 1, {len(t)}) = {sql.param(t)}" for t in q.text_terms[:1]]
    prefix += [f"substr({alias}.id_number, 1, {len(t)}) = {sql.param(t)}" for t in q.digit_terms]
    prefix += [f"substr({alias}.phone, -{len(t)}) = {sql.param(t)}" for t in q.digit_terms]
    prefix += [f"{alias}.name_initials IS NOT NULL" for _ in q.letter_terms]  # every initials hit is a prefix hit
    whens = [(exact_digits, 0), (exact_name, 1), (prefix, 2)]
    cases = " ".join(f"WHEN {' OR '.join(conds)} THEN {rank}" for conds, rank in whens if conds)
    return f"CASE {cases} ELSE 3 END" if cases else "3"


def people_sql(q, *, limit: int, offset: int) -> tuple[str, dict[str, Any]] | None:  # noqa: ANN001
    """The page of petitioners: (id, name, village, id_number, phone, rank, total) or None if no person is named."""
    sql = _Sql()
    conditions = _person_conditions(q, sql)
    if conditions is None:
        return None
    rank = _person_rank(q, sql)
    text = (f"SELECT p.id, p.name, p.village, p.id_number, p.phone, {rank} AS rank, count(*) OVER () AS total "
            f"FROM petitioner AS p WHERE {' AND '.join(conditions)} "
            f"ORDER BY rank, p.name, p.id LIMIT {sql.param(limit)} OFFSET {sql.param(offset)}")
    return text, sql.params


def _matters_of(person_select: str, see_restricted: bool) -> str:
    """The matters of every contact the selected people took part in (a group's members too).

    Without ``see_restricted`` a 检举控告 matter is never reached through its petitioner: searching the person
    must not reveal the restricted matter as theirs."""
    hidden = "" if see_restricted else " AND m2.is_restricted = 0"
    return (f"SELECT m2.id FROM contactpetitioner AS cp JOIN matter AS m2 ON m2.contact_id = cp.contact_id "
            f"WHERE cp.petitioner_id IN ({person_select}){hidden}")


def _matter_set(q, term: str, kind: str, sql: _Sql, see_restricted: bool) -> str | None:  # noqa: ANN001
    """SELECT of the matter ids one term matches: in the matter's own text or in its (visible) petitioner."""
    person_sel: str | None = None
    own: str | None = None
    if kind == "number":
        return f"SELECT id FROM matter WHERE number = {sql.param(term)}"
    if kind == "digits":
        selects = []
        if q.matter_numbers.get(term):
            marks = ", ".join(sql.param(n) for n in q.matter_numbers[term])
            selects.append(f"SELECT id FROM matter WHERE number IN ({marks})")
        if len(term) >= 3:
            person_sel = (f"SELECT rowid FROM petitioner_fts WHERE petitioner_fts MATCH "
                          f"{sql.param(_column_match(_PERSON_DIGITS, term))}")
            selects.append(_matters_of(person_sel, see_restricted))
        return " UNION ".join(selects) or None
    if kind == "letters":
        person_sel = (f"SELECT id FROM petitioner WHERE name_initials >= {sql.param(term)} "
                      f"AND name_initials < {sql.param(term + '{')}")
        return _matters_of(person_sel, see_restricted)
    # text
    if len(term) >= 3:
        own = f"SELECT rowid FROM matter_fts WHERE matter_fts MATCH {sql.param(_column_match(_MATTER_TEXT, term))}"
        person_sel = (f"SELECT rowid FROM petitioner_fts WHERE petitioner_fts MATCH "
                      f"{sql.param(_column_match(_PERSON_TEXT, term))}")
    elif len(term) == 2:
        own = f"SELECT rowid FROM matter_grams WHERE matter_grams MATCH {sql.param(_phrase(term))}"
        person_sel = f"SELECT rowid FROM petitioner_grams WHERE petitioner_grams MATCH {sql.param(_phrase(term))}"
    else:
        return None  # a single character is applied as a filter on the rows found by the other terms
    return f"{own} UNION {_matters_of(person_sel, see_restricted)}"


def matters_sql(q, *, see_restricted: bool, limit: int, offset: int) -> tuple[str, dict[str, Any]] | None:  # noqa: ANN001
    """The page of matters: (id, number, summary, status, received_on, petitioner name, village, location,
    is_restricted, rank, total), or None when the query names no matter (e.g. a single character)."""
    sql = _Sql()
    sets = []
    for term, kind in q.terms:
        found = _matter_set(q, term, kind, sql, see_restricted)
        if found is None and not (kind == "text" and len(term) == 1):
            return None  # a term that can match no matter (e.g. ``12`` in a database without such a number)
        if found is not None:
            sets.append(found)
    if not sets:
        return None
    where = [f"m.id IN ({s})" for s in sets]
    visible = "1" if see_restricted else "m.is_restricted = 0"
    for t in q.text_terms:
        if len(t) == 1:  # e.g. the surname in ``张 工资``: filters the rows the other terms found
            where.append(f"instr(m.summary || ' ' || m.location || ' ' || CASE WHEN {visible} THEN p.name "
                         f"ELSE '' END, {sql.param(t)}) > 0")
    exact_number = [f"m.number = {sql.param(n)}" for ns in q.matter_numbers.values() for n in ns]
    exact_number += [f"m.number = {sql.param(t)}" for t, kind in q.terms if kind == "number"]
    exact_person = [f"p.{c} = {sql.param(t)}" for t in q.digit_terms for c in _PERSON_DIGITS]
    exact_person += [f"p.name = {sql.param(t)}" for t in q.name_candidates]
    whens = []
    if exact_number:
        whens.append(f"WHEN {' OR '.join(exact_number)} THEN 0")
    if exact_person:
        whens.append(f"WHEN {visible} AND ({' OR '.join(exact_person)}) THEN 1")
    rank = f"CASE {' '.join(whens)} ELSE 2 END" if whens else "2"
    text = (f"SELECT m.id, m.number, m.summary, m.status, m.received_on, p.name, p.village, m.location, "
            f"m.is_restricted, {rank} AS rank, count(*) OVER () AS total "
            f"FROM matter AS m JOIN petitioner AS p ON p.id = m.petitioner_id WHERE {' AND '.join(where)} "
            f"ORDER BY rank, m.received_on DESC, m.id DESC LIMIT {sql.param(limit)} OFFSET {sql.param(offset)}")
    return text, sql.params
