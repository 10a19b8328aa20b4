"""People's work on the findings: the users of `fazhi serve` and their verdicts.

A verdict row is never changed or deleted: the newest row for a finding (or for
one evidence item of it) is the one in force, the older ones are its history.
Verdicts name a finding by its stable identity (indicator, check, unit), not by
a run, so they outlive the pruning of the runs they were given on.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, Index, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.models import Base, Document, Finding, Run, utcnow

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
    password_hash: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Verdict(Base):
    __tablename__ = "verdicts"
    __table_args__ = (Index("ix_verdicts_finding", "indicator", "check", "unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
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


def add_verdict(session: Session, verdict: Verdict) -> Verdict:
    session.add(verdict)
    session.commit()
    return verdict


def verdicts_for(session: Session, key: tuple[str, str, str]) -> list[Verdict]:
    """A finding's verdicts, oldest first: its audit trail."""
    indicator, check, unit = key
    query = (
        select(Verdict)
        .where(Verdict.indicator == indicator, Verdict.check == check, Verdict.unit == unit)
        .order_by(Verdict.created_at, Verdict.id)
    )
    return list(session.scalars(query))


def all_verdicts(session: Session) -> list[Verdict]:
    return list(session.scalars(select(Verdict).order_by(Verdict.created_at, Verdict.id)))


def finding_nights(session: Session, key: tuple[str, str, str]) -> list[tuple[Run, Finding]]:
    """Each checked run's finding with this identity, oldest night first."""
    indicator, check, unit = key
    query = (
        select(Run, Finding)
        .join(Finding, Finding.run_id == Run.id)
        .where(Run.status == "checked", Finding.indicator == indicator, Finding.check == check, Finding.unit == unit)
        .order_by(Run.id)
    )
    return [(run, finding) for run, finding in session.execute(query)]


def crawled_among(session: Session, run_id: int, urls: set[str]) -> set[str]:
    """Which of these URLs the run fetched (a unit's 已整改 address, say)."""
    if not urls:
        return set()
    query = select(Document.url).where(Document.run_id == run_id, Document.url.in_(sorted(urls)))
    return set(session.scalars(query))


def open_fix_urls(session: Session) -> list[str]:
    """Where units said a finding is fixed (已整改) and no reviewer has decided since (the
    report's rule for a standing answer, reports.verdicts.review_of): the addresses the
    next night must fetch, newest answer first."""
    latest: dict[tuple[str, str, str], Verdict] = {}
    for verdict in all_verdicts(session):  # oldest first: a later verdict replaces an earlier one
        latest[(verdict.indicator, verdict.check, verdict.unit)] = verdict
    answers = [verdict for verdict in latest.values() if verdict.action == "fixed" and verdict.fix_url]
    answers.sort(key=lambda verdict: (verdict.created_at, verdict.id), reverse=True)
    return list(dict.fromkeys(verdict.fix_url for verdict in answers))
