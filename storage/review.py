"""People's work on the findings: the users of `fazhi serve` and their verdicts.

A verdict row is never changed or deleted: the newest row for a finding (or for
one evidence item of it) is the one in force, the older ones are its history.
Verdicts name a finding by its stable identity (county, indicator, check, unit),
not by a run, so they outlive the pruning of the runs they were given on; the
county keeps counties sharing one store apart, as two counties may both have a
县司法局. A user belongs to one county, or (a city's reviewer) to every county.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import Date, DateTime, Index, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.models import Base, Finding, Run, utcnow

REVIEWER = "reviewer"
UNIT = "unit"
ROLES = (REVIEWER, UNIT)

# what a reviewer decides, and what a unit answers
REVIEWER_ACTIONS = {"confirm": "确认", "dismiss": "误报", "waive": "豁免", "due": "限期整改"}
UNIT_ACTIONS = {"fixed": "已整改", "waiver_request": "申请豁免"}
ACTIONS = REVIEWER_ACTIONS | UNIT_ACTIONS


class User(Base):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("name", name="uq_users_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))  # reviewer or unit
    unit: Mapped[str | None] = mapped_column(Text)  # the one unit a unit user answers for
    # the county whose findings the user sees; None: every county of the store (a city's reviewer)
    county: Mapped[str | None] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Verdict(Base):
    __tablename__ = "verdicts"
    __table_args__ = (Index("ix_verdicts_finding", "county", "indicator", "check", "unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    county: Mapped[str] = mapped_column(String(100))  # Run.county of the findings it is about
    indicator: Mapped[str] = mapped_column(String(10))
    check: Mapped[str] = mapped_column(String(100))
    unit: Mapped[str] = mapped_column(String(200))
    # set for a verdict on one evidence item (a negative hit, one late decision): it holds
    # while that URL says what it said (its sha256), and the finding reopens when it changes
    evidence_url: Mapped[str | None] = mapped_column(Text)
    evidence_sha256: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(20))  # a key of ACTIONS
    reason: Mapped[str] = mapped_column(Text, default="")
    fix_url: Mapped[str | None] = mapped_column(Text)  # where a unit says the item is now published
    expires_on: Mapped[dt.date | None] = mapped_column(Date)  # a waiver's last day
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    # the finding's status and run when the verdict was given: the audit trail's "before"
    finding_status: Mapped[str | None] = mapped_column(String(10))
    run_id: Mapped[int | None] = mapped_column(Integer)
    user_name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


def find_user(session: Session, name: str) -> User | None:
    return session.scalars(select(User).where(User.name == name)).first()


def all_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.name)))


def may_see(user: User, unit: str) -> bool:
    """A reviewer sees and decides on every unit; a unit user only its own: the one answer to
    "may this person see or change this unit's findings", for the web app and the 台账 import."""
    return user.role == REVIEWER or user.unit == unit


def may_see_county(user: User, county: str) -> bool:
    """A user of one county sees that county only; a user of none (a city's reviewer) every county."""
    return user.county is None or user.county == county


def add_verdict(session: Session, verdict: Verdict) -> Verdict:
    session.add(verdict)
    session.commit()
    return verdict


def verdicts_for(session: Session, county: str, key: tuple[str, str, str]) -> list[Verdict]:
    """A finding's verdicts, oldest first: its audit trail."""
    indicator, check, unit = key
    query = (
        select(Verdict)
        .where(Verdict.county == county, Verdict.indicator == indicator, Verdict.check == check, Verdict.unit == unit)
        .order_by(Verdict.created_at, Verdict.id)
    )
    return list(session.scalars(query))


def all_verdicts(session: Session, county: str) -> list[Verdict]:
    """Every verdict on the county's findings, oldest first."""
    query = select(Verdict).where(Verdict.county == county).order_by(Verdict.created_at, Verdict.id)
    return list(session.scalars(query))


def finding_nights(session: Session, county: str, key: tuple[str, str, str]) -> list[tuple[Run, Finding]]:
    """Each of the county's checked runs' finding with this identity, oldest night first."""
    indicator, check, unit = key
    query = (
        select(Run, Finding)
        .join(Finding, Finding.run_id == Run.id)
        .where(Run.county == county, Run.status == "checked", Finding.indicator == indicator, Finding.check == check,
               Finding.unit == unit)
        .order_by(Run.id)
    )
    return [(run, finding) for run, finding in session.execute(query)]


def verdict_order(verdict: Verdict) -> tuple:
    """Oldest first: by when it was given, then by row (two verdicts in one second keep their order)."""
    return (verdict.created_at or dt.datetime.min, verdict.id or 0)


def open_answer(history: Iterable[Verdict]) -> Verdict | None:
    """The unit's answer a reviewer has not decided on since: its newest answer given after the
    newest reviewer decision (on the finding or one of its items)."""
    ordered = sorted(history, key=verdict_order)
    decided = max((verdict_order(v) for v in ordered if v.action in REVIEWER_ACTIONS), default=None)
    answers = [v for v in ordered if v.action in UNIT_ACTIONS and (decided is None or verdict_order(v) > decided)]
    return answers[-1] if answers else None


def open_fix_answers(session: Session, county: str) -> dict[tuple[str, str, str], Verdict]:
    """Per finding identity, the unit's 已整改 answer that is still open: the address the next
    night must fetch and judge."""
    by_key: dict[tuple[str, str, str], list[Verdict]] = defaultdict(list)
    for verdict in all_verdicts(session, county):
        by_key[(verdict.indicator, verdict.check, verdict.unit)].append(verdict)
    answers = {key: open_answer(history) for key, history in by_key.items()}
    return {key: answer for key, answer in answers.items() if answer is not None and answer.action == "fixed" and answer.fix_url}


def open_fix_urls(session: Session, county: str) -> list[str]:
    """The addresses of the county's open 已整改 answers (open_fix_answers), newest answer first:
    what the next night must fetch before anything else."""
    answers = sorted(open_fix_answers(session, county).values(), key=verdict_order, reverse=True)
    return list(dict.fromkeys(answer.fix_url for answer in answers))
