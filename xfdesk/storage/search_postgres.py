"""PostgreSQL-only search. All PostgreSQL-specific search SQL of xfdesk lives here (the SQLite side is
``search_sqlite``; ``services.search`` dispatches).

The same query forms as the SQLite FTS5 index, answered from indexes created by migration ``0003`` (PostgreSQL only):

* ``pg_trgm`` GIN indexes (``gin_trgm_ops``) on a person's text (name, village, address), a person's phone and a
  matter's text (number, summary, details, category, 问题属地): any substring of three or more characters,
  ``ILIKE '%…%'``, Chinese or not;
* GIN indexes on the two-character windows of the short Chinese fields (``xfdesk_bigrams``): a trigram index cannot
  serve a two-character term (张三, 大畲), the commonest Chinese name and village stub (the SQLite side has the same
  pair: ``*_fts`` and ``*_grams``);
* ``text_pattern_ops`` B-trees for prefixes (ID number, phone, name, pinyin initials): the database's collation is
  not "C", so the ordinary indexes cannot answer ``LIKE 'x%'``.

``pg_trgm`` splits text into words by the database's character classes (LC_CTYPE). A database created with
LC_CTYPE "C" sees no Chinese letters at all; ``trigrams_see_chinese`` tells, and then Chinese terms of three or more
characters are found through the two-character windows instead (every window of the term, then ``ILIKE``).

Each list is one statement: the matching ids come from the indexes, the rank from a few small equality lookups,
and only the page's rows are joined for display; ``count(*) OVER ()`` gives the exact total.

Queries take a parsed query (``services.search.ParsedQuery``: duck-typed, storage does not import services) and a
``run(sql, params) -> rows`` on a psycopg connection (``%(name)s`` parameters).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

Run = Callable[[str, dict[str, Any]], list]

GRAM_SOURCE_LIMIT = 2000  # characters of a matter's details cut into two-character windows (trigrams cover all)
PERSON_FANOUT_LIMIT = 3000  # a term matching more people (a region code, one initial) does not list their matters
RANK_SCAN_LIMIT = 3000  # prefix/phone-tail ranking only when at most this many people match (as on SQLite)
TOTAL_LIMIT = 2000  # matters counted exactly up to this many; past it the total is None ("more than 2000")
INDEX_PREFIX = "ix_search_"  # every index this module owns (the models/migrations check leaves them out)
MAX_PHONE_DIGITS = 12  # landline with area code; a longer number is (part of) an ID number

# The indexed expressions. A query uses an index only when it repeats the expression exactly, so both the migration
# and the queries take them from here.
PERSON_TEXT = "(coalesce({t}name, '') || ' ' || coalesce({t}village, '') || ' ' || coalesce({t}address, ''))"
MATTER_TEXT = ("(coalesce({t}number, '') || ' ' || coalesce({t}summary, '') || ' ' || coalesce({t}details, '') "
               "|| ' ' || coalesce({t}category, '') || ' ' || coalesce({t}location, ''))")
PERSON_GRAMS = "xfdesk_bigrams(lower(" + PERSON_TEXT + "))"
MATTER_GRAM_SOURCE = ("(coalesce({t}summary, '') || ' ' || coalesce({t}category, '') || ' ' || coalesce({t}location, '')"
                      " || ' ' || substr(coalesce({t}details, ''), 1, " + str(GRAM_SOURCE_LIMIT) + "))")
MATTER_GRAMS = "xfdesk_bigrams(lower" + MATTER_GRAM_SOURCE + ")"


# digit terms of the current search that are ID-number prefixes (set by ``prepare_query``; per thread/task)
_ID_PREFIXES: ContextVar[frozenset[str]] = ContextVar("xfdesk_id_prefixes", default=frozenset())


def _x(template: str, alias: str = "") -> str:
    return template.format(t=f"{alias}." if alias else "")


# Every two-character window (GIN keeps each distinct one once; windows with a space never match a term). The
# planner is told it is expensive (COST): it is an index key, and evaluating it row by row as a filter would cost
# about 0.2 ms a matter; with the cost known, terms are combined as index bitmaps instead.
_BIGRAMS_FUNCTION = """
CREATE OR REPLACE FUNCTION xfdesk_bigrams(src text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 10000 AS $$
    SELECT coalesce(array_agg(substr(src, i, 2)), '{}'::text[]) FROM generate_series(1, length(src) - 1) AS i
$$"""

_INDEXES = {
    "ix_search_petitioner_text_trgm": f"ON petitioner USING gin ({_x(PERSON_TEXT)} gin_trgm_ops)",
    "ix_search_petitioner_phone_trgm": "ON petitioner USING gin (phone gin_trgm_ops)",
    "ix_search_petitioner_grams": f"ON petitioner USING gin ({_x(PERSON_GRAMS)})",
    "ix_search_petitioner_name_prefix": "ON petitioner (name text_pattern_ops)",
    "ix_search_petitioner_initials_prefix": "ON petitioner (name_initials text_pattern_ops)",
    "ix_search_petitioner_id_prefix": "ON petitioner (id_number text_pattern_ops)",
    "ix_search_petitioner_phone_prefix": "ON petitioner (phone text_pattern_ops)",
    "ix_search_matter_text_trgm": f"ON matter USING gin ({_x(MATTER_TEXT)} gin_trgm_ops)",
    "ix_search_matter_grams": f"ON matter USING gin ({_x(MATTER_GRAMS)})",
}


def create_index(bind) -> None:  # noqa: ANN001
    """The extension, the windows function and every search index (idempotent)."""
    _exec(bind, "CREATE EXTENSION IF NOT EXISTS pg_trgm")
    _exec(bind, _BIGRAMS_FUNCTION)
    for name, body in _INDEXES.items():
        _exec(bind, f"CREATE INDEX IF NOT EXISTS {name} {body}")


def drop_index(bind, *, keep_function: bool = False) -> None:  # noqa: ANN001
    """Drop the search indexes (a bulk copy builds them afresh afterwards: much faster than row by row)."""
    for name in _INDEXES:
        _exec(bind, f"DROP INDEX IF EXISTS {name}")
    if not keep_function:
        _exec(bind, "DROP FUNCTION IF EXISTS xfdesk_bigrams(text)")


def has_index(bind) -> bool:  # noqa: ANN001
    rows = _exec(bind, "SELECT indexname FROM pg_indexes WHERE indexname LIKE 'ix\\_search\\_%'").all()
    return set(_INDEXES) <= {r[0] for r in rows}


def trigrams_see_chinese(bind) -> bool:  # noqa: ANN001
    """True when pg_trgm makes trigrams of Chinese text in this database (LC_CTYPE is not "C")."""
    return bool(_exec(bind, "SELECT cardinality(show_trgm('张三丰')) > 0").scalar())


def _exec(bind, sql: str):  # noqa: ANN001, ANN202
    """Run driver-level SQL on a SQLAlchemy Connection, Engine or Session."""
    if hasattr(bind, "connection") and hasattr(bind, "get_bind"):  # a Session
        bind = bind.connection()
    if hasattr(bind, "exec_driver_sql"):
        return bind.exec_driver_sql(sql.replace("%", "%%"))
    with bind.begin() as conn:  # an Engine
        return conn.exec_driver_sql(sql.replace("%", "%%"))


# -- the statements ---------------------------------------------------------------------------------------------------


def _like(term: str) -> str:
    """``%term%`` with LIKE's own characters taken literally (backslash is PostgreSQL's default escape)."""
    return "%" + re.sub(r"([\\%_])", r"\\\1", term) + "%"


def _prefix(term: str) -> str:
    return _like(term)[1:]


def _windows(term: str) -> list[str]:
    term = term.lower()
    return sorted({term[i:i + 2] for i in range(len(term) - 1)})


class _Params:
    """Numbered parameters for one statement."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def __call__(self, value: Any) -> str:
        key = f"p{len(self.values)}"
        self.values[key] = value
        return f"%({key})s"


def _is_ascii(term: str) -> bool:
    return term.isascii()


def _text_condition(expr: str, grams_expr: str, term: str, p: _Params, cjk_trigrams: bool,
                    grams_source: str | None = None, filtering: bool = False) -> str:
    """A substring of two or more characters of ``expr``: the windows index for two characters (and for Chinese
    when trigrams cannot see it), the trigram index otherwise. ``filtering``: the condition is checked row by row on
    candidates another term found, not used to find them: then a plain ``ILIKE`` on the windows' source text, which
    means the same and costs a hundredth of computing the windows again."""
    if filtering:
        return f"{grams_source or expr if len(term) == 2 else expr} ILIKE {p(_like(term))}"
    if len(term) == 2:
        return f"{grams_expr} @> {p([term.lower()])}::text[]"
    if cjk_trigrams or _is_ascii(term):
        return f"{expr} ILIKE {p(_like(term))}"
    return f"({grams_expr} @> {p(_windows(term))}::text[] AND {expr} ILIKE {p(_like(term))})"


def _person_condition(term: str, kind: str, p: _Params, cjk_trigrams: bool, alias: str = "",
                      filtering: bool = False) -> str | None:
    a = f"{alias}." if alias else ""
    if kind == "text" and len(term) >= 2:
        return _text_condition(_x(PERSON_TEXT, alias), _x(PERSON_GRAMS, alias), term, p, cjk_trigrams,
                               filtering=filtering)
    if kind == "letters":
        return f"{a}name_initials LIKE {p(_prefix(term))}"
    if kind == "digits" and len(term) >= 3:
        if term in _ID_PREFIXES.get() or len(term) > MAX_PHONE_DIGITS:
            return f"{a}id_number LIKE {p(_prefix(term))}"
        return f"({a}id_number LIKE {p(_prefix(term))} OR {a}phone LIKE {p(_like(term))})"
    return None


def _note_id_prefixes(run: Run, q) -> None:  # noqa: ANN001
    """Digits of six or more that some ID number starts with are that: their phone trigrams (in every ID-like
    string of digits) are the slow part and are skipped, as on SQLite. One statement for all such terms."""
    longs = [t for t in q.digit_terms if len(t) >= 6]
    found: set[str] = set()
    if longs:
        p = _Params()
        checks = ", ".join(f"EXISTS (SELECT 1 FROM petitioner WHERE id_number LIKE {p(_prefix(t))})" for t in longs)
        found = {t for t, hit in zip(longs, run(f"SELECT {checks}", p.values)[0], strict=True) if hit}
    _ID_PREFIXES.set(frozenset(found))


def _single(term: str, p: _Params, alias: str = "") -> str:
    return f"strpos({_x(PERSON_TEXT, alias)}, {p(term)}) > 0"


def prepare_query(run: Run, q) -> None:  # noqa: ANN001
    """Once per search, before the lists: what the digit terms are (see ``_note_id_prefixes``)."""
    _note_id_prefixes(run, q)


def prepare(run: Run) -> None:
    """Once per search transaction: no parallel workers and no JIT. A search page is a few milliseconds of work;
    starting workers costs more than that (on a busy two-core server the gather step was seen taking most of a
    second), and the windows function's declared cost pushes plans past ``jit_above_cost``, where compiling the
    query took longer than running it."""
    run("SELECT set_config('max_parallel_workers_per_gather', '0', true), set_config('jit', 'off', true)", {})


def people_page(run: Run, q, *, limit: int, offset: int, cjk_trigrams: bool = True) -> tuple[list, int] | None:  # noqa: ANN001
    """(page rows (id, name, village, id_number, phone, rank, total), total), or None when no term can name a person.

    Ranks: exact ID/phone; exact name or initials; name or ID prefix and phone tail; then any other match; newest
    first within a rank."""
    if not q.person_terms_ok:
        return None
    p = _Params()
    conditions = [c for t, k in q.terms if (c := _person_condition(t, k, p, cjk_trigrams)) is not None]
    singles = [t for t in q.text_terms if len(t) == 1]
    if not conditions:
        if not singles:
            return None
        conditions.append(f"name LIKE {p(_prefix(singles[0]))}")  # a surname alone: a prefix of the name
        singles = singles[1:]
    conditions += [_single(t, p) for t in singles]
    where = " AND ".join(conditions)
    exact = []
    if q.digit_terms:
        exact.append((f"id_number = ANY({p(q.digit_terms)}) OR phone = ANY({p(q.digit_terms)})", 0))
    names = [f"name = ANY({p(q.name_candidates)})"] if q.name_candidates else []
    names += [f"name_initials = ANY({p(q.letter_terms)})"] if q.letter_terms else []
    if names:
        exact.append((" OR ".join(names), 1))
    prefix = [f"left(name, {len(t)}) = {p(t)}" for t in q.text_terms[:1]]
    for t in q.digit_terms:
        prefix.append(f"left(id_number, {len(t)}) = {p(t)} OR right(phone, {len(t)}) = {p(t)}")
    if prefix:
        # as on SQLite: prefix ranks only while few people match (typing a region code must stay fast)
        few = f"(SELECT count(*) FROM (SELECT 1 FROM petitioner WHERE {where} LIMIT {RANK_SCAN_LIMIT + 1}) AS f)"
        exact.append((f"{few} <= {RANK_SCAN_LIMIT} AND ({' OR '.join(prefix)})", 2))
    rank = ("CASE " + " ".join(f"WHEN {c} THEN {r}" for c, r in exact) + " ELSE 3 END") if exact else "3"
    # the total over the unsorted rows, then only the page sorted out of them (top-N), never a sort of every match
    sql = (f"SELECT * FROM (SELECT id, name, village, id_number, phone, {rank} AS rank, count(*) OVER () AS total "
           f"FROM petitioner WHERE {where}) AS hit ORDER BY rank, id DESC LIMIT {int(limit)} OFFSET {int(offset)}")
    rows = run(sql, p.values)
    if rows:
        return rows, int(rows[0][-1])
    if not offset:
        return [], 0
    return [], int(run(f"SELECT count(*) FROM petitioner WHERE {where}", p.values)[0][0])


def _term_person(term: str, kind: str, p: _Params, cjk_trigrams: bool) -> str | None:
    """The condition on ``petitioner`` through which a term finds matters (None: it finds them by their own text
    or number only)."""
    if kind in ("digits", "letters") or (kind == "text" and len(term) >= 2):
        return _person_condition(term, kind, p, cjk_trigrams)
    return None


def _matter_term(q, term: str, kind: str, p: _Params, visible: str, cjk_trigrams: bool,  # noqa: ANN001
                 people: str = "list", ctes: list[str] | None = None,
                 checks: list[str] | None = None) -> str | None:
    """A condition on ``matter AS m`` for one term: its own text or number, or being a matter of a contact a matched
    person took part in (a group's members too); None for a single character (it filters what the others found).

    ``people``: how the matched people's matters count. ``list``: they come from an uncorrelated ``ARRAY(…)``
    (computed once, before the scan), ``id = ANY(…)`` is then an index condition and the whole query is one bitmap
    scan of ``matter`` (a trigram or window index OR'ed with the primary key, AND'ed across terms) instead of
    per-term id sets joined afterwards; a term matching more than ``PERSON_FANOUT_LIMIT`` people lists none (a region
    code typed so far, one initial: that would read most of the office). ``check``: the term matches too many people
    to list but other terms find the candidates: each candidate's own people are checked (as SQLite checks a broad
    term within what the others found). ``none``: only the matter's own text or number.

    ``checks``: where the term's text is found through the windows index, the same condition with the text as an
    ILIKE on the windows' source is appended to it, for the walk newest first (see ``matters_page``)."""
    own: list[str] = []
    checked = None  # the term's text as a cheap row check, when its index condition is the windows
    if kind == "number":
        own.append(f"m.number = {p(term)}")
    elif kind == "digits":
        if q.matter_numbers.get(term):
            own.append(f"m.number = ANY({p(q.matter_numbers[term])})")
    elif kind == "text" and len(term) >= 2:
        args = (_x(MATTER_TEXT, "m"), _x(MATTER_GRAMS, "m"), term, p, cjk_trigrams, _x(MATTER_GRAM_SOURCE, "m"))
        own.append(_text_condition(*args, filtering=people == "check"))
        if people != "check" and "xfdesk_bigrams" in own[0]:
            checked = _text_condition(*args, filtering=True)
    elif kind == "text":
        return None
    person = _term_person(term, kind, p, cjk_trigrams) if people == "list" else None
    them = _person_condition(term, kind, p, cjk_trigrams, alias="pc", filtering=True) if people == "check" else None
    if person is not None:
        few = f"(SELECT count(*) FROM (SELECT 1 FROM petitioner WHERE {person} LIMIT {PERSON_FANOUT_LIMIT + 1}) AS f)"
        theirs = ("ARRAY(SELECT t.id FROM contactpetitioner AS cp JOIN matter AS t ON t.contact_id = cp.contact_id "
                  f"WHERE cp.petitioner_id IN (SELECT id FROM petitioner WHERE {person}){visible.replace('m.', 't.')} "
                  f"AND {few} <= {PERSON_FANOUT_LIMIT})")
        # only index conditions in the OR (the restricted check is inside the array): the bitmap is then exact and
        # no row is checked again. ``ctes``: the array is a materialised CTE of the statement, computed once although
        # the page's two parts and its count each use it (inline, each repeated it: 3 × 160 ms for the 900 matters of
        # the 780 people of one county and birth year at 100,000 matters)
        if ctes is not None:
            ctes.append(f"theirs{len(ctes)} AS MATERIALIZED (SELECT {theirs} AS ids)")
            own.append(f"m.id = ANY((SELECT ids FROM theirs{len(ctes) - 1})::integer[])")
        else:
            own.append(f"m.id = ANY({theirs})")
    elif them is not None:
        # each candidate's own people (a contact's few, through the primary key), the term as a plain ILIKE: the
        # candidates are few (other terms found them), the term's people many (a hashed set of the 7,630 contacts
        # of 古樟's people took 23 ms, and the statement's three parts each built it). OFFSET 0 keeps it a lookup per
        # candidate: without it PostgreSQL may turn the EXISTS into that hashed set again (seen: 160 ms, by an ILIKE
        # on every person of the office)
        own.append(f"(EXISTS (SELECT 1 FROM contactpetitioner AS cq JOIN petitioner AS pc ON pc.id = cq.petitioner_id "
                   f"WHERE cq.contact_id = m.contact_id AND {them} OFFSET 0){visible})")
    if not own:
        return "false"
    if checked is not None and checks is not None:
        checks.append("coalesce(" + " OR ".join([checked, *own[1:]]) + ", false)")
    return "(" + " OR ".join(own) + ")"


def _people_modes(run: Run, q, cjk_trigrams: bool) -> list[str]:  # noqa: ANN001
    """Per term: ``list`` or ``check`` (see ``_matter_term``). One statement counts each term's people (up to the
    limit): a broad term of a query of several is checked on the candidates the narrow ones find."""
    p = _Params()
    counts = []
    for t, k in q.terms:
        person = _term_person(t, k, p, cjk_trigrams)
        counts.append(None if person is None else
                      f"(SELECT count(*) FROM (SELECT 1 FROM petitioner WHERE {person} LIMIT {PERSON_FANOUT_LIMIT + 1})"
                      " AS f)")
    asked = [c for c in counts if c is not None]
    found = iter(run("SELECT " + ", ".join(asked), p.values)[0]) if asked else iter(())
    broad = [c is not None and next(found) > PERSON_FANOUT_LIMIT for c in counts]
    drivers = [not b and not (k == "text" and len(t) == 1) for b, (t, k) in zip(broad, q.terms, strict=True)]
    modes = []
    first_broad = True
    for is_broad, (_t, _k) in zip(broad, q.terms, strict=True):
        if not is_broad:
            modes.append("list")
        elif any(drivers):
            modes.append("check")
        else:  # nothing narrow drives the scan: the first broad term counts by its own text only (as SQLite)
            modes.append("none" if first_broad else "check")
            first_broad = False
    return modes


def matters_page(run: Run, q, *, see_restricted: bool, limit: int, offset: int,  # noqa: ANN001
                 cjk_trigrams: bool = True) -> tuple[list, int] | None:
    """(page rows (id, number, summary, status, received_on, name, village, location, is_restricted, rank), total),
    or None when the query names no matter (one character alone). The total is None past ``TOTAL_LIMIT``.

    Ranks: the exact number; matters of an exact-matched (visible) person; then any other match."""
    p = _Params()
    visible = "" if see_restricted else " AND NOT m.is_restricted"
    several = sum(1 for t, k in q.terms if not (k == "text" and len(t) == 1)) > 1
    modes = _people_modes(run, q, cjk_trigrams) if several else ["list"] * len(q.terms)
    ctes: list[str] = []
    checks: list[str] = []
    conditions = [c for (t, k), mode in zip(q.terms, modes, strict=True)
                  if (c := _matter_term(q, t, k, p, visible, cjk_trigrams, mode, ctes, checks)) is not None]
    if not conditions:
        return None
    shown = "true" if see_restricted else "NOT m.is_restricted"
    for t in (t for t in q.text_terms if len(t) == 1):
        # e.g. the surname in ``张 工资``: the summary, 问题属地 or the (visible) main petitioner's name
        conditions.append(f"(strpos(m.summary || ' ' || m.location, {p(t)}) > 0 OR ({shown} AND strpos("
                          f"(SELECT pe.name FROM petitioner AS pe WHERE pe.id = m.petitioner_id), {p(t)}) > 0))")
    where = " AND ".join(conditions)
    numbers = [n for ns in q.matter_numbers.values() for n in ns] + [t for t, k in q.terms if k == "number"]
    ranked = []  # (condition, rank) for the few matters ranked before "every other match"
    if numbers:
        ranked.append((f"m.number = ANY({p(numbers)})", 0))
    exact = q.digit_terms + q.name_candidates
    if exact:
        e = p(exact)
        ranked.append((f"(m.petitioner_id = ANY(ARRAY(SELECT pe.id FROM petitioner AS pe WHERE pe.name = ANY({e}) "
                       f"OR pe.id_number = ANY({e}) OR pe.phone = ANY({e}))){visible})", 1))
    need = int(offset) + int(limit)
    # The windows conditions find rows through their index and, found that way, are not evaluated again. But where
    # the page is read newest first along the primary key (the newest twenty of a word are near), every row passed
    # is checked, and computing its windows costs 0.1 ms (430 rows for 里协 at 100,000 matters: 50 ms). The same
    # conditions as an ILIKE on the windows' source (``checks``) are cheap conjuncts, and PostgreSQL checks the
    # cheaper conjuncts first: the windows are then computed only for rows that match anyway. In coalesce(), which
    # the planner estimates at one half, so that the duplicate does not halve its estimate of the matches again.
    walk = " AND ".join([where, *checks])
    # The ranked few come from their own (equality) indexes; every other match newest first, only as many as the page
    # needs: PostgreSQL may then walk the primary key backwards through a common word (要求: two thirds of all
    # matters) and stop after the page, instead of reading every match to sort and count it.
    parts = []
    if ranked:
        rank = "CASE " + " ".join(f"WHEN {c} THEN {r}" for c, r in ranked) + " END"
        either = " OR ".join(c for c, _r in ranked)
        parts.append(f"SELECT m.id, {rank} AS rank FROM matter AS m WHERE ({either}) AND {where}")
        rest = f"SELECT m.id, 2 AS rank FROM matter AS m WHERE {walk} AND NOT coalesce({either}, false)"
    else:
        rest = f"SELECT m.id, 2 AS rank FROM matter AS m WHERE {walk}"
    parts.append(f"SELECT * FROM ({rest} ORDER BY m.id DESC LIMIT {need}) AS rest")
    # the total is exact up to TOTAL_LIMIT (counting stops there: a common word's count is the slow part); it comes
    # with the page's rows, so the people's matters (``ctes``) are found once for both
    count = f"SELECT count(*) FROM (SELECT 1 FROM matter AS m WHERE {where} LIMIT {TOTAL_LIMIT + 1}) AS c"
    sql = (f"WITH {''.join(c + ', ' for c in ctes)}"
           f"page AS (SELECT * FROM ({' UNION ALL '.join(f'({x})' for x in parts)}) AS hit "
           f"ORDER BY rank, id DESC LIMIT {int(limit)} OFFSET {int(offset)}) "
           "SELECT m.id, m.number, m.summary, m.status, m.received_on, pe.name, pe.village, m.location, "
           f"m.is_restricted, page.rank, ({count}) AS total FROM page JOIN matter AS m ON m.id = page.id "
           "JOIN petitioner AS pe ON pe.id = m.petitioner_id ORDER BY page.rank, page.id DESC")
    rows = run(sql, p.values)
    if rows:
        total = int(rows[0][-1])
        rows = [r[:-1] for r in rows]
    elif offset:  # a page past the end carries no total
        total = int(run((f"WITH {', '.join(ctes)} " if ctes else "") + count, p.values)[0][0])
    else:
        total = 0
    return rows, (total if total <= TOTAL_LIMIT else None)
