"""The review web app: the newest checked night live from the store, and the forms
with which reviewers decide on findings and units answer them.

Every page needs a login; every form carries the session's CSRF token and the id
of the newest verdict the person saw, so that a forged post, and a post sent
twice or over someone else's newer decision, change nothing."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from jinja2 import ChoiceLoader, Environment, FileSystemLoader
from sqlalchemy.orm import Session, sessionmaker
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from county.config import Config
from reports.audit import audit_csv, audit_rows, audit_xlsx
from reports.model import FindingView, ReportData, build_report
from reports.review_input import InputError, due_in_workdays, expiry, fix_url, may_act, require_reason
from reports.render import BEIJING, environment
from reports.verdicts import BUCKETS, Review, bucket_counts, expired_waivers
from storage.db import latest_run, open_engine, session_factory
from storage.review import (
    ACTIONS,
    REVIEWER,
    REVIEWER_ACTIONS,
    UNIT,
    UNIT_ACTIONS,
    User,
    Verdict,
    add_verdict,
    find_user,
    finding_nights,
    may_see,
    may_see_county,
    verdicts_for,
)
from web.users import password_matches

TEMPLATES = os.path.join(os.path.dirname(__file__), "templates")
# a reviewer's working day; the session ends with it
SESSION_SECONDS = 8 * 3600


class Refused(Exception):
    """A request that changes nothing; the message is one line for the person who sent it."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Night:
    report: ReportData
    reviews: dict[tuple, Review]

    def finding(self, key: tuple[str, str, str]) -> FindingView:
        found = next((f for f in self.report.findings if f.key == key), None)
        if found is None:
            raise Refused(404, "没有这条检查结果（指标、检查项或单位不对），未作任何更改")
        return found


def beijing_today() -> dt.date:
    return dt.datetime.now(BEIJING).date()


def create_app(config: Config, db_url: str, secret: str | None = None, today: Callable[[], dt.date] = beijing_today) -> Starlette:
    site = Site(session_factory(open_engine(db_url)), config, _templates(), today)
    return Starlette(
        routes=[
            Route("/login", site.endpoint(_login_page, login=False), methods=["GET"]),
            Route("/login", site.endpoint(_login, login=False), methods=["POST"]),
            Route("/logout", site.endpoint(_logout), methods=["POST"]),
            Route("/", site.endpoint(_overview), methods=["GET"]),
            Route("/units/{name:path}", site.endpoint(_unit_page), methods=["GET"]),
            Route("/finding", site.endpoint(_history_page), methods=["GET"]),
            Route("/review", site.endpoint(_review), methods=["POST"]),
            Route("/audit.{format:str}", site.endpoint(_audit), methods=["GET"]),
        ],
        middleware=[Middleware(SessionMiddleware, secret_key=secret or secrets.token_hex(32), session_cookie="fazhi_session",
                               max_age=SESSION_SECONDS, same_site="strict", https_only=False)],
    )


def serve(config: Config, db_url: str, host: str, port: int) -> None:
    import uvicorn

    # a fixed secret keeps people logged in across restarts; without one every restart logs everyone out
    uvicorn.run(create_app(config, db_url, os.environ.get("FAZHI_SESSION_SECRET")), host=host, port=port)


@dataclass
class Context:
    request: Request
    session: Session
    config: Config
    templates: Environment
    today: Callable[[], dt.date]
    user: object | None

    def page(self, template: str, status: int = 200, **values) -> HTMLResponse:
        html = self.templates.get_template(template).render(
            user=self.user, csrf=_csrf(self.request), root="/", snapshots={}, **values)
        return HTMLResponse(html, status_code=status, headers=_headers(self.templates))


@dataclass
class Site:
    sessions: sessionmaker
    config: Config
    templates: Environment
    today: Callable[[], dt.date]

    def user(self, session: Session, name: str) -> User | None:
        """The user of that name if they may see this county (several counties may share the store)."""
        user = find_user(session, name)
        return user if user is not None and may_see_county(user, self.config.county) else None

    def endpoint(self, view: Callable[[Context, object], Response], login: bool = True):
        """The view behind the checks every request passes: a known user (unless login=False), a valid CSRF token."""
        async def endpoint(request: Request) -> Response:
            form = await request.form() if request.method == "POST" else None
            with self.sessions() as session:
                name = request.session.get("user")
                context = Context(request, session, self.config, self.templates, self.today,
                                  self.user(session, name) if name else None)
                try:
                    if login and context.user is None:
                        return _to_login(context)
                    if form is not None:
                        _check_csrf(request, form)
                    return view(context, form)
                except Refused as refused:
                    return context.page("app_message.html", status=refused.status, message=str(refused))
        return endpoint


def _to_login(context: Context) -> Response:
    if context.request.method == "POST":
        raise Refused(401, "登录已过期或尚未登录，未作任何更改；请重新登录")
    return RedirectResponse("/login", status_code=303)


def _csrf(request: Request) -> str:
    if "csrf" not in request.session:
        request.session["csrf"] = secrets.token_urlsafe(32)
    return request.session["csrf"]


def _check_csrf(request: Request, form) -> None:
    expected = request.session.get("csrf")
    if not expected or not secrets.compare_digest(str(form.get("csrf", "")), expected):
        raise Refused(403, "表单已失效或来源不明，未作任何更改；请刷新页面后重试")


def _login_page(context: Context, _form) -> Response:
    return context.page("app_login.html", message="")


def _login(context: Context, form) -> Response:
    user = find_user(context.session, str(form.get("name", "")))
    if user is not None and not may_see_county(user, context.config.county):
        user = None  # a user of another county of the store: as unknown here as a wrong name
    if user is None or not password_matches(user, str(form.get("password", ""))):
        return context.page("app_login.html", status=401, message="用户名或密码错误")
    context.request.session.clear()  # a new session on login: a token planted before it is worth nothing
    context.request.session.update(user=user.name, csrf=secrets.token_urlsafe(32))
    return RedirectResponse("/", status_code=303)


def _logout(context: Context, _form) -> Response:
    context.request.session.clear()
    return RedirectResponse("/login", status_code=303)


def _night(context: Context) -> Night:
    county = context.config.county
    run = latest_run(context.session, county, ("checked",))
    if run is None:
        raise Refused(404, f"数据库中还没有{county}已评判的检查")
    report = build_report(context.session, run.id, context.config)
    return Night(report, report.reviews)


def _overview(context: Context, _form) -> Response:
    if context.user.role == UNIT:
        return RedirectResponse(f"/units/{context.user.unit}", status_code=303)
    night = _night(context)
    values = night.reviews.values()
    return context.page("app_overview.html", report=night.report, buckets=BUCKETS, bucket_counts=bucket_counts(values),
                        expired=expired_waivers(values), answered=[r for r in values if r.fix_note])


def _allowed(context: Context, unit: str) -> None:
    if not may_see(context.user, unit):
        raise Refused(403, "无权查看或处理其他单位的检查结果")


def _unit_page(context: Context, _form) -> Response:
    name = context.request.path_params["name"]
    _allowed(context, name)
    night = _night(context)
    unit = night.report.unit_page(name)
    if unit is None:
        raise Refused(404, f"没有单位 {name}")
    unit_reviews = [night.reviews[f.key] for f in unit.findings]
    return context.page("app_unit.html", report=night.report, unit=unit, reviews=night.reviews, buckets=BUCKETS,
                        bucket_counts=bucket_counts(unit_reviews), actions=_actions_for(context.user), action_labels=ACTIONS,
                        answered=[r for r in unit_reviews if r.fix_note],
                        latest=_latest_ids(unit_reviews))


def _audit(context: Context, _form) -> Response:
    """The whole audit trail as a download, for reviewers: units see their own findings' history only."""
    if context.user.role != REVIEWER:
        raise Refused(403, "只有复核人员可以导出全部复核记录")
    kind = context.request.path_params["format"]
    if kind not in ("csv", "xlsx"):
        raise Refused(404, "复核记录只能导出为 csv 或 xlsx")
    rows = audit_rows(context.session, context.config.county)
    day = context.today().isoformat()
    if kind == "csv":
        body, media = audit_csv(rows), "text/csv; charset=utf-8"
    else:
        body, media = audit_xlsx(rows, context.config.county), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = f"attachment; filename=\"audit-{day}.{kind}\"; filename*=UTF-8''{quote(f'复核记录-{day}.{kind}')}"
    return Response(body, media_type=media, headers={"Content-Disposition": disposition, "Cache-Control": "no-store"})


def _actions_for(user) -> dict[str, str]:
    return REVIEWER_ACTIONS if user.role == REVIEWER else UNIT_ACTIONS


def _latest_ids(unit_reviews: list[Review]) -> dict[tuple, int]:
    return {r.finding.key: max((v.id for v in r.history), default=0) for r in unit_reviews}


def _key(values) -> tuple[str, str, str]:
    return (str(values.get("indicator", "")), str(values.get("check", "")), str(values.get("unit", "")))


def _history_page(context: Context, _form) -> Response:
    key = _key(context.request.query_params)
    _allowed(context, key[2])
    county = context.config.county
    nights = finding_nights(context.session, county, key)
    if not nights:
        raise Refused(404, "没有这条检查结果（指标、检查项或单位不对）")
    return context.page("app_history.html", key=key, nights=nights, verdicts=verdicts_for(context.session, county, key),
                        actions=ACTIONS, title=nights[-1][1].title or "", report=None)


def _review(context: Context, form) -> Response:
    key = _key(form)
    _allowed(context, key[2])
    night = _night(context)
    finding = night.finding(key)
    action = str(form.get("action", ""))
    _check_role(context.user, action)
    _check_fresh(night.reviews[key], form)
    verdict = Verdict(county=context.config.county, indicator=key[0], check=key[1], unit=key[2], action=action,
                      user_name=context.user.name,
                      reason=str(form.get("reason", "")).strip(), finding_status=finding.status, run_id=night.report.run.id)
    _fill(verdict, finding, form, context.today(), context.config.crawl.allowed_domains)
    add_verdict(context.session, verdict)
    return RedirectResponse(f"/units/{key[2]}#{key[0]}-{key[1]}", status_code=303)


def _check_role(user, action: str) -> None:
    try:
        may_act(user.role, action)
    except InputError as error:
        raise Refused(400 if action not in ACTIONS else 403, str(error)) from None


def _check_fresh(review: Review, form) -> None:
    newest = max((v.id for v in review.history), default=0)
    if str(form.get("after", "")) != str(newest):
        raise Refused(409, "该问题已有更新的复核记录（或表单被重复提交），未作任何更改；请刷新页面后重试")


def _fill(verdict: Verdict, finding: FindingView, form, today: dt.date, domains: tuple[str, ...]) -> None:
    """The action's own fields, each checked (reports/review_input.py, as for the 台账); a Refused leaves the store unchanged."""
    try:
        verdict.reason = require_reason(verdict.action, verdict.reason)
        _fill_evidence(verdict, finding, str(form.get("evidence_url", "")))
        if verdict.action == "waive":
            verdict.expires_on = expiry(str(form.get("expires_on", "")), today)
        if verdict.action == "due":
            verdict.due_on = due_in_workdays(str(form.get("workdays", "")), today)
        if verdict.action == "fixed":
            verdict.fix_url = fix_url(str(form.get("fix_url", "")), domains)
    except InputError as error:
        raise Refused(400, str(error)) from None


def _fill_evidence(verdict: Verdict, finding: FindingView, url: str) -> None:
    if not url:
        return
    item = next((e for e in finding.evidence if e.url == url), None)
    if item is None:
        raise Refused(404, "这条检查结果中没有该证据，未作任何更改")
    verdict.evidence_url, verdict.evidence_sha256 = item.url, item.sha256


def _templates() -> Environment:
    env = environment()
    env.loader = ChoiceLoader([FileSystemLoader(TEMPLATES), env.loader])
    return env


def _headers(templates: Environment) -> dict[str, str]:
    digest = base64.b64encode(hashlib.sha256(str(templates.globals["css"]).encode("utf-8")).digest()).decode("ascii")
    policy = f"default-src 'none'; style-src 'sha256-{digest}'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    return {"Content-Security-Policy": policy, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
