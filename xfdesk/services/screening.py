"""甄别: the screening queue, the routes the record suggests, and the decision (one transaction with its event).

The decision event (action = the route: accept, not_accept, …) carries the kind, the reason code and text, the legal
basis, and the suggestions that were shown with whether the clerk took them — so the audit trail shows both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from xfdesk.domain import screening as rules
from xfdesk.domain.deadlines import days_left
from xfdesk.domain.glossary import Flag, FLAG_LABELS, MatterKind
from xfdesk.domain.lifecycle import NOTICE, Action, Status
from xfdesk.domain.privacy import RESTRICTED_NAME, may_see_identity, shown_text
from xfdesk.services import reference
from xfdesk.services.lifecycle import find_for_update, transition
from xfdesk.storage.models import Contact, ContactPetitioner, Deadline, Event, Matter, Petitioner, Review


def load_reasons(ctx) -> rules.ReasonList:  # noqa: ANN001
    """The office's reasons list (data/reasons.toml; the office's own copy wins)."""
    return rules.reasons_from_mapping(reference.read_data(ctx.home, ctx.profile.reasons))


# ── the queue ───────────────────────────────────────────────────────────────────────────────────────────────
@dataclass(frozen=True)
class QueueRow:
    id: int
    number: str
    summary: str
    received_on: dt.date
    notice_due: dt.date | None
    days_left: int | None
    petitioner: str  # RESTRICTED_NAME for a clerk when the matter is restricted
    village: str
    flags: tuple[str, ...]
    kind: str | None


def screening_queue(ctx, operator, *, limit: int = 500) -> list[QueueRow]:  # noqa: ANN001
    """Registered, unscreened matters, oldest first, with the 15-day notice deadline."""
    today = ctx.today()
    with ctx.db.read() as session:
        rows = session.exec(
            select(Matter, Petitioner)
            .join(Petitioner, Petitioner.id == Matter.petitioner_id)
            .where(Matter.status == Status.REGISTERED.value)
            .order_by(Matter.received_on, Matter.id).limit(limit)
        ).all()
        ids = [m.id for m, _ in rows]
        notices = {d.matter_id: d.due_on for d in session.exec(
            select(Deadline).where(col(Deadline.matter_id).in_(ids), Deadline.name == NOTICE))} if ids else {}
    out = []
    for m, p in rows:
        visible = may_see_identity(operator.role, m.is_restricted)
        due = notices.get(m.id)
        out.append(QueueRow(m.id, m.number, shown_text(operator.role, m.is_restricted, m.summary), m.received_on, due,
                            days_left(due, today) if due else None,
                            p.name if visible else RESTRICTED_NAME, p.village if visible else "",
                            tuple(FLAG_LABELS[f] for f in Flag if getattr(m, f.value)), m.kind))
    return out


# ── suggestions ─────────────────────────────────────────────────────────────────────────────────────────────
@dataclass(frozen=True)
class DecisionHead:
    """Who came and how, for the top of the 甄别 decision: what the route turns on (集体访, 越级访, 重大紧急)."""

    petitioner: str  # RESTRICTED_NAME for anyone but the office head when the matter is restricted (检举控告)
    flags: tuple[str, ...]
    headcount: int
    representatives: tuple[str, ...]  # empty when hidden with the petitioner


def decision_head(ctx, operator, matter_ref: int | str) -> DecisionHead:  # noqa: ANN001
    from xfdesk.services.history import representatives_of

    with ctx.db.read() as session:
        m = find_for_update(session, matter_ref)
        person = session.get(Petitioner, m.petitioner_id)
        contact = session.get(Contact, m.contact_id)
        representatives = representatives_of(session, [m.contact_id]).get(m.contact_id, ())
    visible = may_see_identity(operator.role, m.is_restricted)
    return DecisionHead(petitioner=person.name if visible and person else RESTRICTED_NAME,
                        flags=tuple(FLAG_LABELS[f] for f in Flag if getattr(m, f.value)),
                        headcount=(contact.headcount if contact else 1) or 1,
                        representatives=representatives if visible else ())


def _petitioner_matter_ids(session: Session, matter: Matter) -> set[int]:
    """Every matter of the petitioner: as the main petitioner, or as one of the people of a contact."""
    contact_ids = select(ContactPetitioner.contact_id).where(ContactPetitioner.petitioner_id == matter.petitioner_id)
    ids = set(session.exec(select(Matter.id).where(Matter.petitioner_id == matter.petitioner_id)))
    ids |= set(session.exec(select(Matter.id).where(col(Matter.contact_id).in_(contact_ids))))
    ids.discard(matter.id)
    return ids


def load_history(session: Session, matter: Matter, operator=None) -> tuple[rules.Candidate, list[rules.PastMatter]]:  # noqa: ANN001
    """The matter and its petitioner's other matters, as the pure rules want them.

    For an operator who may not see accusers (a clerk), a 检举控告 matter and the same person's ordinary matters are
    never linked: evidence pointing from one to the other would reveal who the accuser is (条例第30条)."""
    candidate = rules.Candidate(matter.id, matter.number, matter.summary, matter.received_on, matter.contact_id,
                                matter.is_litigation, matter.is_skip_level, matter.repeat_of_id)
    ids = _petitioner_matter_ids(session, matter)
    if ids and operator is not None and not may_see_identity(operator.role, True):
        ids = set(session.exec(select(Matter.id).where(col(Matter.id).in_(ids),
                                                       Matter.is_restricted == matter.is_restricted)))
    if not ids:
        return candidate, []
    deadlines: dict[int, list[rules.PastDeadline]] = {}
    for d in session.exec(select(Deadline).where(col(Deadline.matter_id).in_(ids))):
        deadlines.setdefault(d.matter_id, []).append(rules.PastDeadline(d.name, d.kind, d.start_on, d.due_on,
                                                                         d.state))
    reviews: dict[int, list[rules.PastReview]] = {}
    for r in session.exec(select(Review).where(col(Review.matter_id).in_(ids))):
        reviews.setdefault(r.matter_id, []).append(rules.PastReview(r.level, r.requested_on, r.concluded_on,
                                                                     r.result))
    agreements: dict[int, dt.date] = {}
    for matter_id, at in session.exec(select(Event.matter_id, Event.at).where(
            col(Event.matter_id).in_(ids), Event.action == Action.MEDIATION_AGREED.value)):
        agreements[matter_id] = max(agreements.get(matter_id, at.date()), at.date())
    history = [
        rules.PastMatter(m.id, m.number, m.summary, m.status, m.received_on, m.contact_id, m.is_litigation,
                         m.closed_on, tuple(deadlines.get(m.id, ())), tuple(reviews.get(m.id, ())),
                         agreements.get(m.id))
        for m in session.exec(select(Matter).where(col(Matter.id).in_(ids)).order_by(Matter.received_on))
    ]
    return candidate, history


def suggestions_for(ctx, matter_ref: int | str, operator=None) -> list[rules.Suggestion]:  # noqa: ANN001
    """The routes the record supports for this matter, with their evidence (empty when nothing applies).
    With ``operator``: only evidence that operator may see (see ``load_history``)."""
    reasons = load_reasons(ctx)
    with ctx.db.read() as session:
        matter = find_for_update(session, matter_ref)
        return rules.suggest(*load_history(session, matter, operator), reasons=reasons)


def suggestions_for_many(ctx, matter_ids: list[int], operator=None) -> dict[int, list[rules.Suggestion]]:  # noqa: ANN001
    """``suggestions_for`` of many matters (the F4 queue's marks) in a bounded number of statements: the histories
    of a whole page are read together, set by set, instead of six statements per matter."""
    reasons = load_reasons(ctx)
    out: dict[int, list[rules.Suggestion]] = {}
    with ctx.db.read() as session:
        for start in range(0, len(matter_ids), _CHUNK):
            chunk = matter_ids[start:start + _CHUNK]
            matters = session.exec(select(Matter).where(col(Matter.id).in_(chunk))).all()
            for matter_id, (candidate, history) in _load_histories(session, matters, operator).items():
                out[matter_id] = rules.suggest(candidate, history, reasons=reasons)
    return out


_CHUNK = 500  # ids per IN (…): well under SQLite's and PostgreSQL's parameter limits


def _in_chunks(session: Session, query_for, ids: set[int]) -> list:  # noqa: ANN001
    ordered = sorted(ids)
    rows: list = []
    for start in range(0, len(ordered), _CHUNK):
        rows.extend(session.exec(query_for(ordered[start:start + _CHUNK])).all())
    return rows


def _load_histories(session: Session, matters: list[Matter],  # noqa: C901
                    operator=None) -> dict[int, tuple[rules.Candidate, list[rules.PastMatter]]]:  # noqa: ANN001
    """``load_history`` of each of ``matters``, every table read once for all of them."""
    people = {m.petitioner_id for m in matters}
    of_person: dict[int, set[int]] = {}
    for person, matter_id in _in_chunks(session, lambda ids: select(Matter.petitioner_id, Matter.id).where(
            col(Matter.petitioner_id).in_(ids)), people):
        of_person.setdefault(person, set()).add(matter_id)
    for person, matter_id in _in_chunks(session, lambda ids: select(ContactPetitioner.petitioner_id, Matter.id).join(
            Matter, Matter.contact_id == ContactPetitioner.contact_id).where(
            col(ContactPetitioner.petitioner_id).in_(ids)), people):
        of_person.setdefault(person, set()).add(matter_id)
    wanted = {m.id: of_person.get(m.petitioner_id, set()) - {m.id} for m in matters}
    everything = set().union(*wanted.values()) if wanted else set()
    past = {m.id: m for m in _in_chunks(session, lambda ids: select(Matter).where(col(Matter.id).in_(ids)),
                                        everything)}
    deadlines: dict[int, list[rules.PastDeadline]] = {}
    for d in sorted(_in_chunks(session, lambda ids: select(Deadline).where(col(Deadline.matter_id).in_(ids)),
                               everything), key=lambda d: d.id):
        deadlines.setdefault(d.matter_id, []).append(rules.PastDeadline(d.name, d.kind, d.start_on, d.due_on,
                                                                         d.state))
    reviews: dict[int, list[rules.PastReview]] = {}
    for r in sorted(_in_chunks(session, lambda ids: select(Review).where(col(Review.matter_id).in_(ids)),
                               everything), key=lambda r: r.id):
        reviews.setdefault(r.matter_id, []).append(rules.PastReview(r.level, r.requested_on, r.concluded_on,
                                                                     r.result))
    agreements: dict[int, dt.date] = {}
    for matter_id, at in _in_chunks(session, lambda ids: select(Event.matter_id, Event.at).where(
            col(Event.matter_id).in_(ids), Event.action == Action.MEDIATION_AGREED.value), everything):
        agreements[matter_id] = max(agreements.get(matter_id, at.date()), at.date())
    hide_accusers = operator is not None and not may_see_identity(operator.role, True)
    out: dict[int, tuple[rules.Candidate, list[rules.PastMatter]]] = {}
    for matter in matters:
        candidate = rules.Candidate(matter.id, matter.number, matter.summary, matter.received_on, matter.contact_id,
                                    matter.is_litigation, matter.is_skip_level, matter.repeat_of_id)
        ids = [i for i in wanted[matter.id] if i in past]
        if hide_accusers:  # see load_history: an accusation and the same person's other matters are never linked
            ids = [i for i in ids if past[i].is_restricted == matter.is_restricted]
        history = [
            rules.PastMatter(m.id, m.number, m.summary, m.status, m.received_on, m.contact_id, m.is_litigation,
                             m.closed_on, tuple(deadlines.get(m.id, ())), tuple(reviews.get(m.id, ())),
                             agreements.get(m.id))
            for m in sorted((past[i] for i in ids), key=lambda m: (m.received_on, m.id))
        ]
        out[matter.id] = (candidate, history)
    return out


def is_first_time(session: Session, matter: Matter) -> bool:
    """初访: the petitioner has no matter from an earlier contact and this one is not marked as a repeat."""
    if matter.is_repeat or matter.repeat_of_id is not None:
        return False
    for other in session.exec(select(Matter).where(col(Matter.id).in_(_petitioner_matter_ids(session, matter)))):
        if other.contact_id != matter.contact_id:
            return False
    return True


# ── the decision ────────────────────────────────────────────────────────────────────────────────────────────
def screen_matter(ctx, operator, matter_ref: int | str, *, kind: str | None, route: Action | str,  # noqa: ANN001
                  reason_code: str, reason_text: str = "", forwarded_to: str | None = None,
                  legal_channel: str | None = None, suggestions: Sequence[rules.Suggestion] | None = None,
                  on: dt.date | None = None) -> Event:
    """Record the 甄别 decision. ``suggestions``: what the clerk was shown (None: computed now, so the record holds
    them either way). Raises ScreeningRefused/TransitionRefused with a Chinese message; nothing is written then.

    The 受理告知 clock keeps running until the written notice is issued or delivered on the spot."""
    reasons = load_reasons(ctx)
    with ctx.db.write() as session:
        return screen_in(session, ctx, operator, find_for_update(session, matter_ref), reasons, kind=kind,
                         route=route, reason_code=reason_code, reason_text=reason_text, forwarded_to=forwarded_to,
                         legal_channel=legal_channel, suggestions=suggestions, on=on)


def screen_in(session: Session, ctx, operator, matter: Matter, reasons: rules.ReasonList, *,  # noqa: ANN001
              kind: str | None, route: Action | str, reason_code: str, reason_text: str = "",
              forwarded_to: str | None = None, legal_channel: str | None = None,
              suggestions: Sequence[rules.Suggestion] | None = None, on: dt.date | None = None,
              at: dt.datetime | None = None, fast_track: bool | None = None) -> Event:
    """The screening decision inside the caller's transaction (the demo writes its history through it).
    ``fast_track``: put an accepted first-time matter on 速办 (None: as the office's setting says)."""
    if matter.status != Status.REGISTERED.value:
        # the table would refuse too; say it in screening words
        raise rules.ScreeningRefused(f"事项 {matter.number} 已经甄别过，不能再次甄别")
    shown = (list(suggestions) if suggestions is not None
             else rules.suggest(*load_history(session, matter, operator), reasons=reasons))
    decision = rules.check_decision(reasons, kind=kind, route=route, reason_code=reason_code,
                                    reason_text=reason_text, forwarded_to=forwarded_to,
                                    legal_channel=legal_channel, suggestions=shown)
    changes: dict = {"kind": decision.kind.value, "route_basis": decision.reason.basis,
                     "forwarded_to": decision.forwarded_to}
    if decision.restricted:
        changes["is_restricted"] = True
    wanted = ctx.settings.fast_track if fast_track is None else fast_track
    fast = decision.route == Action.ACCEPT and wanted and is_first_time(session, matter)
    if fast:
        changes["is_fast_track"] = True
    data = {
        "kind": decision.kind.value,
        "reason_code": decision.reason.code,
        "reason_label": decision.reason.label,
        "reason_text": decision.reason_text,
        "basis": decision.reason.basis,
        "suggestions": [s.to_data() for s in shown],
        "suggestion_outcome": decision.suggestion_outcome,
    }
    if decision.forwarded_to:
        data["forwarded_to"] = decision.forwarded_to
    if decision.legal_channel:
        data["legal_channel"] = decision.legal_channel
    if fast:
        data["fast_track"] = True
    # the table starts the 速办 clocks of an accepted matter that is on 速办 (``fast_starts``)
    return transition(session, ctx, operator, matter, decision.route, reason=decision.note, on=on, at=at,
                      data=data, changes=changes)


def kind_choices() -> list[str]:
    return [k.value for k in MatterKind]
