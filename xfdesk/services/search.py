"""Search people and matters by anything a clerk may type (domain §3 step 1: find the existing person first).

Query forms (terms separated by spaces; every term must match):

* an ID number (18 characters, or its first digits: at least 3), a phone or any part of it (its last four digits);
* a name, a village, an address, any part of a matter's summary, details, category or 问题属地;
* pinyin initials of a name (ASCII letters only: ``zs`` finds 张三; a prefix: ``z`` finds every 张/赵/周…);
* a matter number ``XF-2026-000123``, or the bare sequence ``123`` (matched exactly against every year's number);
* combinations: ``张三 大畲`` (name + village), ``zs 大畲``, ``张三 宅基地``.

Ranking: exact ID/phone, then exact name (or initials), then prefixes (name, ID) and phone tails, then any other
match; matters: the exact number first, then matters of an exact-matched person, then the rest; newest registered
first within a rank. Totals are exact (on PostgreSQL up to ``search_postgres.TOTAL_LIMIT`` matters, then None:
counting every match of a common word is the slow part there, and no screen shows it). Two deliberate limits keep every query fast on 100,000 matters: prefix and
phone-tail ranks are computed when at most ``search_sqlite.RANK_SCAN_LIMIT`` people match, and a term matching more
than ``search_sqlite.PERSON_FANOUT_LIMIT`` people (a region code, one initial) does not list all their matters.

On SQLite the FTS5 indexes of ``storage.search_sqlite`` answer; on PostgreSQL the ``pg_trgm`` and two-character
window indexes of ``storage.search_postgres`` (migration 0003). Without either index (PostgreSQL without the
extension) the portable ``ILIKE`` statements below do (one statement per list, the total from ``count(*) OVER ()``).

Restricted matters (检举控告): an operator who may not see the identity (a clerk) gets the matter hit without the
petitioner's name, does not reach it through the petitioner's name/ID/phone, and the petitioner's counts leave it out.
Searching is not logged; viewing a restricted record is (``queries.matter_detail``).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from sqlalchemy import and_, bindparam, case, false, func, literal, or_, select, text, true
from sqlmodel import Session

from xfdesk.domain.glossary import Role
from xfdesk.domain.lifecycle import OPEN_STATUSES, STATUS_LABELS, Status
from xfdesk.domain.privacy import RESTRICTED_NAME, RESTRICTED_TEXT, mask_id_number, mask_phone, may_see_identity
from xfdesk.storage import search_postgres, search_sqlite
from xfdesk.storage.models import Contact, ContactPetitioner, Matter, Petitioner

Scope = Literal["all", "people", "matters"]
MAX_TERMS = 6
MAX_LIMIT = 200
_NUMBER = re.compile(r"^XF-?(\d{4})-?(\d{1,6})$", re.IGNORECASE)
_DIGITS = re.compile(r"^\d+[Xx]?$")
_LETTERS = re.compile(r"^[A-Za-z]+$")
_SEQ_DIGITS = 6  # a bare number of up to six digits may be the sequence part of a matter number


@dataclass
class PersonHit:
    petitioner_id: int
    name: str
    village: str
    id_number_masked: str
    phone_masked: str
    matter_count: int
    last_contact: dt.date | None
    open_matters: int


@dataclass
class MatterHit:
    matter_id: int
    number: str
    summary: str
    status: str
    status_label: str
    received_on: dt.date
    petitioner_name: str
    village: str
    is_restricted: bool


@dataclass
class SearchPage:
    people: list[PersonHit] = field(default_factory=list)
    matters: list[MatterHit] = field(default_factory=list)
    total_people: int | None = 0
    total_matters: int | None = 0
    has_more: bool = False

    def as_json(self) -> dict[str, Any]:
        def plain(obj) -> dict[str, Any]:  # noqa: ANN001
            return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in asdict(obj).items()}

        return {"people": [plain(p) for p in self.people], "matters": [plain(m) for m in self.matters],
                "total_people": self.total_people, "total_matters": self.total_matters, "has_more": self.has_more}


# -- parsing ------------------------------------------------------------------------------------------------------


@dataclass
class ParsedQuery:
    """The typed terms of a query. ``kind`` is one of number, digits, letters, text."""

    terms: list[tuple[str, str]]
    matter_numbers: dict[str, list[str]] = field(default_factory=dict)  # bare digits → candidate matter numbers

    def _of(self, kind: str) -> list[str]:
        return [t for t, k in self.terms if k == kind]

    @property
    def text_terms(self) -> list[str]:
        return self._of("text")

    @property
    def digit_terms(self) -> list[str]:
        return self._of("digits")

    @property
    def letter_terms(self) -> list[str]:
        return self._of("letters")

    @property
    def name_candidates(self) -> list[str]:
        """Terms that may be a whole name (for the exact-name rank)."""
        return [t for t in self.text_terms if len(t) >= 2]

    @property
    def person_terms_ok(self) -> bool:
        """True when every term can describe a person (a matter number cannot; ``12`` is too short to)."""
        if any(k == "number" for _t, k in self.terms):
            return False
        return any(k in ("text", "letters") or len(t) >= 3 for t, k in self.terms)

    @property
    def empty(self) -> bool:
        return not self.terms


def parse_query(text: str, *, years: range | None = None) -> ParsedQuery:
    """Split and classify. Full-width characters are folded (NFKC) so ``１３８`` and ``ＸＦ`` work as typed by an IME.

    ``years``: the years that have matters, to turn a bare number into candidate matter numbers.
    """
    folded = unicodedata.normalize("NFKC", text or "")
    terms: list[tuple[str, str]] = []
    for raw in folded.split():
        if m := _NUMBER.match(raw):
            term = (f"XF-{m.group(1)}-{int(m.group(2)):06d}", "number")
        elif _DIGITS.match(raw):
            term = (raw.upper(), "digits")
        elif _LETTERS.match(raw):
            term = (raw.lower(), "letters")
        else:
            term = (raw, "text")
        if term not in terms:
            terms.append(term)
    q = ParsedQuery(terms[:MAX_TERMS])
    for t in q.digit_terms:
        if len(t) <= _SEQ_DIGITS and t.isdigit() and int(t) > 0 and years:
            q.matter_numbers[t] = [f"XF-{y}-{int(t):06d}" for y in years]
    return q


# -- the API ------------------------------------------------------------------------------------------------------


def search(ctx, text: str, *, operator=None, limit: int = 20, offset: int = 0,  # noqa: ANN001
           scope: Scope = "all", backend: str | None = None) -> SearchPage:
    """One page of people and matters matching ``text``; never loads every row.

    ``operator``: who searches (None = no identity rights: restricted matters are shown as for a clerk).
    ``backend``: ``"fts"`` (SQLite), ``"trgm"`` (PostgreSQL) or ``"portable"``; default: the database's own index
    when it exists.
    """
    limit = max(1, min(int(limit), MAX_LIMIT))
    offset = max(0, int(offset))
    role = operator.role if operator is not None else Role.CLERK
    see_restricted = may_see_identity(role, restricted=True)
    with ctx.db.read() as session:
        backend = backend or _backend(ctx, session)
        use_fts = backend == "fts"
        q = parse_query(text)
        if q.digit_terms:  # a bare number may be a matter's sequence: its candidates need the years on record
            q = parse_query(text, years=_matter_years(session, use_fts))
        page = SearchPage()
        if q.empty:
            return page
        people_list, matters_list = _LISTS[backend]
        if backend.startswith("trgm"):
            search_postgres.prepare(_pg_runner(session))
            search_postgres.prepare_query(_pg_runner(session), q)
        more = False
        if scope in ("all", "people"):
            rows, page.total_people, people_more = people_list(session, q, limit, offset)
            page.people = _person_hits(session, rows, see_restricted, use_fts)
            more = more or people_more
        if scope in ("all", "matters"):
            rows, page.total_matters, matters_more = matters_list(session, q, see_restricted, limit, offset)
            page.matters = [_matter_hit(r, see_restricted) for r in rows]
            if not see_restricted:
                dropped = _drop_found_by_text(page, q)
                if page.total_matters is not None:  # None: more than PostgreSQL counts (search_postgres.TOTAL_LIMIT)
                    page.total_matters -= dropped
            more = more or matters_more
        page.has_more = more
        return page


def find_people(ctx, text: str, *, limit: int = 20, offset: int = 0, operator=None) -> list[PersonHit]:  # noqa: ANN001
    """The registration desk's live search: people only, best first."""
    return search(ctx, text, operator=operator, limit=limit, offset=offset, scope="people").people


def rebuild_index(ctx) -> bool:  # noqa: ANN001
    """Rebuild the search index (SQLite), or create PostgreSQL's where it is missing (after ``CREATE EXTENSION
    pg_trgm`` by a superuser); returns False when it cannot be built."""
    _INDEXED.pop(ctx.db.url, None)
    if not ctx.db.is_sqlite:
        try:
            with ctx.db.write() as session:
                search_postgres.create_index(session)
        except Exception:  # noqa: BLE001  (no pg_trgm on this server: the portable search goes on)
            return False
        return True
    with ctx.db.write() as session:
        conn = session.connection()
        if search_sqlite.has_index(conn):
            search_sqlite.rebuild_index(conn)
        else:
            search_sqlite.create_index(conn)
    return True


# -- shared helpers -----------------------------------------------------------------------------------------------

_INDEXED: dict[str, str] = {}  # database URL → its search backend (looked up once per process)
_CJK_TRIGRAMS: dict[str, bool] = {}  # PostgreSQL engine URL (as the session has it) → pg_trgm sees Chinese letters there (LC_CTYPE not "C")


def _backend(ctx, session: Session) -> str:  # noqa: ANN001
    url = ctx.db.url
    if url not in _INDEXED:
        conn = session.connection()
        if ctx.db.is_sqlite:
            found = "fts" if search_sqlite.has_index(conn) else "portable"
        elif conn.dialect.name == "postgresql" and search_postgres.has_index(conn):
            found = "trgm"
            _CJK_TRIGRAMS[str(session.get_bind().url)] = search_postgres.trigrams_see_chinese(conn)
        else:
            found = "portable"
        if found == "portable":
            return found  # looked up again next time: the index may be built meanwhile
        _INDEXED[url] = found
    return _INDEXED[url]


def _matter_years(session: Session, use_fts: bool) -> range | None:
    if use_fts:
        low, high = search_sqlite.matter_years(_runner(session))
    elif session.get_bind().dialect.name == "postgresql":  # one round trip, each end from the (year, seq) index
        low, high = _pg_runner(session)("SELECT min(year), max(year) FROM matter", {})[0]
    else:
        low = session.execute(select(func.min(Matter.year))).scalar()
        high = session.execute(select(func.max(Matter.year))).scalar()
    return range(low, high + 1) if low is not None else None


def _total(rows: list, offset: int, session_count) -> int:  # noqa: ANN001
    """The total from ``count(*) OVER ()`` (last column); a page past the end has no row to carry it."""
    if rows:
        return int(rows[0][-1])
    return session_count() if offset else 0


def _runner(session: Session) -> search_sqlite.Run:
    """The search statements run on the session's own sqlite3 connection (same transaction): the live search runs
    on every keystroke, and SQLAlchemy's per-statement work would cost more than most of these statements."""
    cursor = session.connection().connection.driver_connection.cursor()

    def run(sql: str, params: dict[str, Any]) -> list:
        return cursor.execute(sql, params).fetchall()

    return run


def _people_fts(session: Session, q: ParsedQuery, limit: int, offset: int) -> tuple[list, int, bool]:
    run = _runner(session)
    hits = search_sqlite.people_hits(run, q)
    if hits is None:
        return [], 0, False
    rows = search_sqlite.people_rows(run, hits.page(limit=limit, offset=offset))
    return rows, hits.total, offset + len(rows) < hits.total


def _matters_fts(session: Session, q: ParsedQuery, see_restricted: bool, limit: int,
                 offset: int) -> tuple[list, int, bool]:
    run = _runner(session)
    hits = search_sqlite.matters_hits(run, q, see_restricted=see_restricted)
    if hits is None:
        return [], 0, False
    rows = search_sqlite.matter_rows(run, hits.page(limit=limit, offset=offset))
    return rows, hits.total, offset + len(rows) < hits.total


def _pg_runner(session: Session) -> search_postgres.Run:
    """The statements on the session's own psycopg connection (same transaction, no SQLAlchemy compile per key)."""
    cursor = session.connection().connection.driver_connection.cursor()

    def run(sql: str, params: dict[str, Any]) -> list:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []

    return run


def _people_trgm(session: Session, q: ParsedQuery, limit: int, offset: int) -> tuple[list, int, bool]:
    found = search_postgres.people_page(_pg_runner(session), q, limit=limit, offset=offset,
                                        cjk_trigrams=_CJK_TRIGRAMS.get(str(session.get_bind().url), True))
    if found is None:
        return [], 0, False
    rows, total = found
    return rows, total, offset + len(rows) < total


def _matters_trgm(session: Session, q: ParsedQuery, see_restricted: bool, limit: int,
                  offset: int) -> tuple[list, int, bool]:
    found = search_postgres.matters_page(_pg_runner(session), q, see_restricted=see_restricted, limit=limit,
                                         offset=offset,
                                         cjk_trigrams=_CJK_TRIGRAMS.get(str(session.get_bind().url), True))
    if found is None:
        return [], 0, False
    rows, total = found
    if total is None:  # more than search_postgres.TOTAL_LIMIT: counted no further
        return rows, None, len(rows) == limit
    return rows, total, offset + len(rows) < total


def _stats_statement(see_restricted: bool):  # noqa: ANN202
    """Per person: matters of the contacts they took part in, how many still open, the last contact (built once:
    the live search runs this on every keystroke)."""
    open_values = [s.value for s in OPEN_STATUSES]
    stmt = (select(ContactPetitioner.petitioner_id, func.count(Matter.id),
                   func.sum(case((Matter.status.in_(open_values), 1), else_=0)), func.max(Contact.received_at))
            .join(Contact, Contact.id == ContactPetitioner.contact_id)
            .join(Matter, Matter.contact_id == ContactPetitioner.contact_id)
            .where(ContactPetitioner.petitioner_id.in_(bindparam("ids", expanding=True)))
            .group_by(ContactPetitioner.petitioner_id))
    return stmt if see_restricted else stmt.where(Matter.is_restricted == false())


_OPEN_VALUES = sorted(s.value for s in OPEN_STATUSES)
_STATS_ALL = _stats_statement(True)
_STATS_VISIBLE = _stats_statement(False)


def _person_hits(session: Session, rows: list, see_restricted: bool, use_fts: bool) -> list[PersonHit]:
    """Masked person hits with their history (restricted matters left out unless the operator may see them)."""
    ids = [r[0] for r in rows]
    stats: dict[int, tuple[int, int, dt.datetime | None]] = {}
    if ids:
        if use_fts:
            found = search_sqlite.person_stats(_runner(session), ids, see_restricted=see_restricted,
                                               open_statuses=_OPEN_VALUES).items()
        else:
            stmt = _STATS_ALL if see_restricted else _STATS_VISIBLE
            found = ((r[0], r[1:]) for r in session.execute(stmt, {"ids": ids}))
        for pid, (count, open_count, last) in found:
            stats[pid] = (int(count or 0), int(open_count or 0), _as_datetime(last))
    hits = []
    for pid, name, village, id_number, phone, *_rest in rows:
        count, open_count, last = stats.get(pid, (0, 0, None))
        hits.append(PersonHit(petitioner_id=pid, name=name, village=village or "",
                              id_number_masked=mask_id_number(id_number), phone_masked=mask_phone(phone),
                              matter_count=count, last_contact=last.date() if last else None,
                              open_matters=open_count))
    return hits


def _as_datetime(value) -> dt.datetime | None:  # noqa: ANN001
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))  # an aggregate over raw SQL may come back as text on SQLite


def _as_date(value) -> dt.date:  # noqa: ANN001
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _matter_hit(row, see_restricted: bool) -> MatterHit:  # noqa: ANN001
    mid, number, summary, status, received_on, name, village, location, restricted, *_rest = row
    restricted = bool(restricted)
    hide = restricted and not see_restricted
    try:
        label = STATUS_LABELS[Status(status)]
    except ValueError:
        label = status
    return MatterHit(matter_id=mid, number=number, summary=RESTRICTED_TEXT if hide else summary, status=status,
                     status_label=label,
                     received_on=_as_date(received_on), petitioner_name=RESTRICTED_NAME if hide else name,
                     village=(location or "") if hide else (location or village or ""), is_restricted=restricted)


def _drop_found_by_text(page: SearchPage, q: ParsedQuery) -> int:
    """For a clerk a 检举控告 matter is found by its number only: a hit on its words would tell what it reports
    (and who, with a name typed beside them). Drops the other restricted hits of the page; returns how many."""
    numbers = {t for t, kind in q.terms if kind == "number"}
    numbers |= {n for ns in q.matter_numbers.values() for n in ns}
    kept = [m for m in page.matters if not m.is_restricted or m.number in numbers]
    dropped = len(page.matters) - len(kept)
    page.matters = kept
    return dropped


# -- the portable path (PostgreSQL, or SQLite without the index) ---------------------------------------------------


def _person_text(t: str):  # noqa: ANN202
    return or_(Petitioner.name.icontains(t, autoescape=True), Petitioner.village.icontains(t, autoescape=True),
               Petitioner.address.icontains(t, autoescape=True))


def _person_digits(t: str):  # noqa: ANN202
    return or_(Petitioner.id_number.startswith(t, autoescape=True), Petitioner.phone.contains(t, autoescape=True))


def _person_letters(t: str):  # noqa: ANN202
    return Petitioner.name_initials.startswith(t, autoescape=True)


def _person_term(t: str, kind: str):  # noqa: ANN202
    if kind == "text":
        return _person_text(t)
    if kind == "letters":
        return _person_letters(t)
    if kind == "digits" and len(t) >= 3:
        return _person_digits(t)
    return None


def _people_portable(session: Session, q: ParsedQuery, limit: int, offset: int) -> tuple[list, int, bool]:
    if not q.person_terms_ok:
        return [], 0, False
    conditions = [c for t, k in q.terms if (c := _person_term(t, k)) is not None]
    exact_digits = [col == t for t in q.digit_terms for col in (Petitioner.id_number, Petitioner.phone)]
    exact_name = [Petitioner.name == t for t in q.name_candidates]
    exact_name += [Petitioner.name_initials == t for t in q.letter_terms]
    prefix = [func.substr(Petitioner.name, 1, len(t)) == t for t in q.text_terms[:1]]
    prefix += [func.substr(Petitioner.id_number, 1, len(t)) == t for t in q.digit_terms]
    prefix += [Petitioner.phone.endswith(t, autoescape=True) for t in q.digit_terms]
    prefix += [true() for _ in q.letter_terms]
    whens = [(or_(*c), r) for c, r in ((exact_digits, 0), (exact_name, 1), (prefix, 2)) if c]
    rank = (case(*whens, else_=3) if whens else literal(3)).label("rank")
    stmt = (select(Petitioner.id, Petitioner.name, Petitioner.village, Petitioner.id_number, Petitioner.phone, rank,
                   func.count().over().label("total"))
            .where(and_(*conditions)).order_by(text("rank"), Petitioner.id.desc())
            .limit(limit).offset(offset))
    rows = session.execute(stmt).all()
    total = _total(rows, offset, lambda: _people_portable(session, q, 1, 0)[1])
    return rows, total, offset + len(rows) < total


def _matters_portable(session: Session, q: ParsedQuery, see_restricted: bool, limit: int,
                      offset: int) -> tuple[list, int, bool]:
    visible = true() if see_restricted else (Matter.is_restricted == false())

    def of_people(person_condition):  # noqa: ANN001, ANN202
        # every contact the matched people took part in (not only as the main petitioner)
        people = select(Petitioner.id).where(person_condition)
        contacts = select(ContactPetitioner.contact_id).where(ContactPetitioner.petitioner_id.in_(people))
        return and_(visible, Matter.contact_id.in_(contacts))

    conditions = []
    for t, kind in q.terms:
        if kind == "number":
            conditions.append(Matter.number == t)
        elif kind == "digits":
            options = []
            if q.matter_numbers.get(t):
                options.append(Matter.number.in_(q.matter_numbers[t]))
            if len(t) >= 3:
                options.append(of_people(_person_digits(t)))
            conditions.append(or_(*options) if options else false())
        elif kind == "letters":
            conditions.append(of_people(_person_letters(t)))
        elif len(t) >= 2:
            own = or_(*(col.icontains(t, autoescape=True) for col in
                        (Matter.number, Matter.summary, Matter.details, Matter.category, Matter.location)))
            conditions.append(or_(own, of_people(_person_text(t))))
        else:  # one character filters what the other terms found (the surname in ``张 工资``)
            conditions.append(or_(Matter.summary.contains(t, autoescape=True),
                                  Matter.location.contains(t, autoescape=True),
                                  and_(visible, Petitioner.name.contains(t, autoescape=True))))
    if all(k == "text" and len(t) == 1 for t, k in q.terms):
        return [], 0, False  # one character alone names no matter (the people list shows the surname)
    exact_number = [Matter.number == n for ns in q.matter_numbers.values() for n in ns]
    exact_number += [Matter.number == t for t, k in q.terms if k == "number"]
    exact_person = [col == t for t in q.digit_terms for col in (Petitioner.id_number, Petitioner.phone)]
    exact_person += [Petitioner.name == t for t in q.name_candidates]
    whens = []
    if exact_number:
        whens.append((or_(*exact_number), 0))
    if exact_person:
        whens.append((and_(visible, or_(*exact_person)), 1))
    rank = (case(*whens, else_=2) if whens else literal(2)).label("rank")
    stmt = (select(Matter.id, Matter.number, Matter.summary, Matter.status, Matter.received_on, Petitioner.name,
                   Petitioner.village, Matter.location, Matter.is_restricted, rank, func.count().over().label("total"))
            .join(Petitioner, Petitioner.id == Matter.petitioner_id)
            .where(and_(*conditions)).order_by(text("rank"), Matter.id.desc())
            .limit(limit).offset(offset))
    rows = session.execute(stmt).all()
    total = _total(rows, offset, lambda: _matters_portable(session, q, see_restricted, 1, 0)[1])
    return rows, total, offset + len(rows) < total


_LISTS = {"fts": (_people_fts, _matters_fts), "trgm": (_people_trgm, _matters_trgm),
          "portable": (_people_portable, _matters_portable)}
