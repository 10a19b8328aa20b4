"""The `fazhi` command line (INTERFACE.md)."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from pathlib import Path

from county.config import Config, ConfigError, load_config, parse_config, parse_date
from crawler.signals import raise_on_stop_signals, signal_of
from fazhi.jobs import (
    JobError,
    check_step,
    crawl_step,
    incomplete_reason,
    nightly,
    prepare_out_dir,
    prune_step,
    report_step,
    today_in_china,
)
from fazhi.sample_portal import NIGHTS, serve_portal
from reports.publish import nights_folder
from storage.db import DEFAULT_DB_URL, StoreError
from storage.locks import Busy, store_lock

# the sample portal's cases are written for this day (see tests/fixtures/html/CASES.md)
DEMO_AS_OF = dt.date(2021, 9, 30)
# INTERFACE.md: judged, but on an incomplete crawl, so cron and systemd alert
EXIT_INCOMPLETE = 3
# the sample portal ships with the source tree (README installs with `pip install -e .`)
SAMPLE_CONFIG = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "portal.toml"
# another fazhi job holds the store, the jobdir or --out: this one changed nothing
EXIT_BUSY = 4


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    raise_on_stop_signals()
    try:
        return args.handler(args)
    except (ConfigError, StoreError, JobError) as error:
        print(f"fazhi: {error}", file=sys.stderr)
        return 1 if isinstance(error, JobError) else 2
    except Busy as error:
        print(f"fazhi: {error}", file=sys.stderr)
        return EXIT_BUSY
    except KeyboardInterrupt as interrupt:
        # 128 + the signal, as a shell reports it: 143 for SIGTERM, 130 for Ctrl-C
        stop_signal = signal_of(interrupt)
        print(f"fazhi: 收到 {stop_signal.name}，已停止", file=sys.stderr)
        return 128 + stop_signal


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fazhi", description="法治政府建设示范创建 网络检索指标 夜间自动检查")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    demo = commands.add_parser("demo", help="在内置示例门户上演示完整流程（无需网络和配置）")
    demo.add_argument("--out", type=Path, default=Path("demo-report"), help="报告输出目录（默认 demo-report）")
    demo.add_argument("--as-of", type=_as_of, default=DEMO_AS_OF, help="最后一晚的评判日期（默认 2021-09-30，示例门户的日期）")
    demo.add_argument("--nights", type=int, choices=NIGHTS, default=2,
                      help="演示几晚（默认 2：前一晚抓取示例门户，当晚抓取整改后的门户，报告显示变化）")
    demo.set_defaults(handler=_demo)

    crawl = commands.add_parser("crawl", help="抓取配置中的网站")
    _config_args(crawl)
    crawl.set_defaults(handler=_crawl)

    check = commands.add_parser("check", help="评判最新一次抓取，结果写入数据库")
    _config_args(check)
    check.add_argument("--as-of", type=_as_of, default=None, help="评判日期 YYYY-MM-DD（默认今天，北京时间）")
    check.set_defaults(handler=_check)

    report = commands.add_parser("report", help="生成 HTML 报告、findings.json 和 findings.xlsx")
    _config_args(report)
    report.add_argument("--out", type=Path, required=True, help="输出目录")
    report.set_defaults(handler=_report)

    run = commands.add_parser("run", help="抓取、评判、生成报告（夜间任务）；--deployment 时逐县运行并生成汇总")
    source = run.add_mutually_exclusive_group(required=True)
    source.add_argument("--config", type=Path, help="县的配置文件（TOML）")
    source.add_argument("--deployment", type=Path, help="市、省的部署文件（TOML），列出各县的配置")
    run.add_argument("--county", action="append", metavar="SLUG_OR_NAME",
                     help="只运行部署中的这个县（slug 或县名，可重复；默认全部县）")
    run.add_argument("--db", default=None,
                     help="SQLAlchemy 数据库 URL（默认：部署文件中的 db，否则每个县一个 SQLite 文件：部署文件旁的 stores/<slug>.db）")
    run.add_argument("--as-of", type=_as_of, default=None, help="评判日期 YYYY-MM-DD（默认今天，北京时间）")
    run.add_argument("--out", type=Path, required=True, help="输出目录（--deployment 时：汇总在此，各县报告在其下的 <slug>/）")
    run.set_defaults(handler=_run)

    rollup = commands.add_parser("rollup", help="根据数据库中各县最新的检查结果生成市、省汇总报告")
    rollup.add_argument("--deployment", type=Path, required=True, help="市、省的部署文件（TOML）")
    rollup.add_argument("--db", default=None, help="SQLAlchemy 数据库 URL（默认：部署文件中的 db，否则每个县一个 SQLite 文件：部署文件旁的 stores/<slug>.db）")
    rollup.add_argument("--as-of", type=_as_of, default=None, help="汇总的日期 YYYY-MM-DD（默认今天，北京时间）")
    rollup.add_argument("--out", type=Path, required=True, help="输出目录（与 fazhi run --deployment 的 --out 相同）")
    rollup.set_defaults(handler=_rollup)

    catalog = commands.add_parser("catalog", help="列出全部 99 项指标、任务类型、是否自动检查和责任单位")
    catalog.set_defaults(handler=_catalog)

    _worker_commands(commands)
    _user_commands(commands)
    _review_commands(commands)
    serve = commands.add_parser("serve", help="在浏览器中查看报告并复核（确认、误报、豁免、限期整改）")
    _config_args(serve)
    serve.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1，仅本机可访问）")
    serve.add_argument("--port", type=int, default=8080, help="端口（默认 8080）")
    serve.set_defaults(handler=_serve)
    return parser


def _worker_commands(commands) -> None:
    worker = commands.add_parser("worker", help="启动任务引擎（Celery）的工作进程，执行部署中各县的夜间任务")
    worker.add_argument("--deployment", type=Path, required=True, help="部署文件（TOML）")
    worker.add_argument("--concurrency", type=_positive, default=2, help="同时运行几个县的任务（默认 2）")
    worker.set_defaults(handler=_worker)
    enqueue = commands.add_parser("enqueue", help="把一晚的任务（各县的抓取、评判、报告，然后汇总）交给工作进程")
    enqueue.add_argument("--deployment", type=Path, required=True, help="部署文件（TOML）")
    enqueue.add_argument("--county", action="append", metavar="NAME", help="只运行这个县（slug 或县名，可重复；默认全部）")
    enqueue.add_argument("--out", type=Path, required=True, help="报告根目录：每个县写入其中以 slug 命名的目录")
    enqueue.add_argument("--as-of", type=_as_of, default=None, help="评判日期 YYYY-MM-DD（默认今天，北京时间）")
    enqueue.add_argument("--wait", action="store_true", help="等到汇总完成，以最差的县的退出状态退出")
    enqueue.set_defaults(handler=_enqueue)


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"应为正整数: {text!r}")
    return int(text)


def _user_commands(commands) -> None:
    user = commands.add_parser("user", help="管理 fazhi serve 的用户（复核人员、单位用户）")
    actions = user.add_subparsers(required=True, metavar="ACTION")
    add = actions.add_parser("add", help="添加用户；密码从终端读入（非终端时读标准输入的第一行）")
    add.add_argument("name", help="用户名")
    add.add_argument("--role", required=True, choices=("reviewer", "unit"), help="reviewer 复核人员；unit 单位用户")
    add.add_argument("--unit", help="单位用户所属单位（须与配置中的单位名一致，并用 --config 指定配置）")
    add.add_argument("--config", type=Path,
                     help="县的配置文件（TOML）：用户只能查看该县；--unit 时必需；复核人员不指定时可查看数据库中所有县")
    add.add_argument("--db", default=DEFAULT_DB_URL, help=f"SQLAlchemy 数据库 URL（默认 {DEFAULT_DB_URL}）")
    add.set_defaults(handler=_user_add)
    passwd = actions.add_parser("passwd", help="修改用户密码")
    passwd.add_argument("name", help="用户名")
    passwd.add_argument("--db", default=DEFAULT_DB_URL, help=f"SQLAlchemy 数据库 URL（默认 {DEFAULT_DB_URL}）")
    passwd.set_defaults(handler=_user_passwd)
    listing = actions.add_parser("list", help="列出用户：用户名、角色、所属县、所属单位")
    listing.add_argument("--db", default=DEFAULT_DB_URL, help=f"SQLAlchemy 数据库 URL（默认 {DEFAULT_DB_URL}）")
    listing.set_defaults(handler=_user_list)


def _review_commands(commands) -> None:
    review = commands.add_parser("review", help="复核记录导出；台账（findings.xlsx）填写后导入")
    actions = review.add_subparsers(required=True, metavar="ACTION")
    export = actions.add_parser("export", help="导出全部复核记录（谁、何时、做了什么、之前→之后、理由）")
    _config_args(export)
    export.add_argument("--out", type=Path, required=True, help="导出文件，.csv 或 .xlsx")
    export.set_defaults(handler=_review_export)
    imported = actions.add_parser("import", help="把台账中填写的“复核意见”“整改情况”导入为复核记录（全部可导入才导入）")
    imported.add_argument("file", type=Path, help="填写后的台账 findings.xlsx")
    _config_args(imported)
    imported.add_argument("--as", dest="user", required=True, help="以哪个用户的名义导入（记入复核记录）")
    imported.set_defaults(handler=_review_import)


def _config_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, required=True, help="县的配置文件（TOML）")
    parser.add_argument("--db", default=DEFAULT_DB_URL, help=f"SQLAlchemy 数据库 URL（默认 {DEFAULT_DB_URL}）")


def _as_of(text: str) -> dt.date:
    try:
        return parse_date(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _crawl(args) -> int:
    run_id = crawl_step(load_config(args.config), args.db)
    print(f"抓取完成：运行 {run_id}")
    return 0


def _check(args) -> int:
    config = load_config(args.config)
    run_id = check_step(config, args.db, args.as_of or today_in_china())
    print(f"评判完成：运行 {run_id}")
    return _completeness_status(args.db, config.county, run_id)


def _report(args) -> int:
    print(report_step(load_config(args.config), args.db, args.out))
    return 0


def _run(args) -> int:
    if args.deployment:
        return _city_run(args)
    if args.county:
        raise ConfigError("--county 只能与 --deployment 一起使用")
    config = load_config(args.config)
    db_url = args.db or DEFAULT_DB_URL
    print(nightly(config, db_url, args.as_of or today_in_china(), args.out))
    return _completeness_status(db_url, config.county)


def _city_run(args) -> int:
    from county.deployment import load_deployment
    from fazhi.city import city_night

    deployment = load_deployment(args.deployment)
    counties = deployment.select(args.county)
    return city_night(deployment, counties, args.as_of or today_in_china(), args.out, args.db)


def _rollup(args) -> int:
    from county.deployment import load_deployment
    from fazhi.city import rollup_step

    deployment = load_deployment(args.deployment)
    print(rollup_step(deployment, args.db, args.as_of or today_in_china(), args.out))
    return 0


def _completeness_status(db_url: str, county: str, run_id: int | None = None) -> int:
    reason = incomplete_reason(db_url, county, run_id)
    if reason is None:
        return 0
    print(f"fazhi: 本次抓取不完整（{reason}），报告已生成但缺失项无法判断", file=sys.stderr)
    return EXIT_INCOMPLETE


def _worker(args) -> int:
    from county.deployment import load_deployment

    deployment = load_deployment(args.deployment)
    workers = _workers()
    workers.start_worker(deployment, args.concurrency)
    return 0


def _enqueue(args) -> int:
    from county.deployment import load_deployment

    deployment = load_deployment(args.deployment)
    counties = deployment.select(args.county)
    workers = _workers()
    night = workers.enqueue_night(deployment, counties, args.as_of or today_in_china(), args.out)
    for county, job in zip(counties, night.parent.results, strict=True):
        print(f"{county.slug}\t{job.id}")
    print(f"汇总\t{night.id}")
    if not args.wait:
        return 0
    return _night_status(night)


def _night_status(night) -> int:
    """The worst county's exit status, after the roll-up; a failed roll-up counts as a failed county."""
    from fazhi.city import worst_status

    workers = _workers()
    night.get(propagate=False)
    outcomes = [job.result for job in night.parent.results if isinstance(job.result, dict)]
    statuses = [outcome["status"] for outcome in outcomes]
    for outcome in outcomes:
        if outcome["status"]:
            print(f"fazhi: {outcome['county']}: {outcome['message']}", file=sys.stderr)
    if len(outcomes) < len(night.parent.results):
        print("fazhi: 有县的任务没有给出结果（被撤销或过期）", file=sys.stderr)
        statuses.append(workers.EXIT_FAILED)
    if night.failed():
        print(f"fazhi: 汇总失败：{night.result!r}", file=sys.stderr)
        statuses.append(workers.EXIT_FAILED)
    else:
        print(night.result["rollup"])
    return worst_status(statuses)


def _workers():
    try:
        from fazhi import workers
    except ModuleNotFoundError as error:
        raise ConfigError(f"任务引擎未安装（{error.name}）：pip install -e '.[workers]'") from None
    return workers


def _user_add(args) -> int:
    from web.users import UserError, add_user

    config = load_config(args.config) if args.config else None
    units = {unit.name for unit in config.units} if config else None
    try:
        with _store_session(args.db) as session:
            add_user(session, args.name, args.role, args.unit, _read_password(), units, config.county if config else None)
    except UserError as error:
        print(f"fazhi: {error}", file=sys.stderr)
        return 2
    print(f"已添加用户 {args.name}")
    return 0


def _user_passwd(args) -> int:
    from web.users import UserError, set_password

    try:
        with _store_session(args.db) as session:
            set_password(session, args.name, _read_password())
    except UserError as error:
        print(f"fazhi: {error}", file=sys.stderr)
        return 2
    print(f"已修改用户 {args.name} 的密码")
    return 0


def _user_list(args) -> int:
    from web.users import user_lines

    with _store_session(args.db) as session:
        for line in user_lines(session):
            print(line)
    return 0


def _review_export(args) -> int:
    from reports.audit import AuditError, write_audit

    config = load_config(args.config)
    try:
        with _store_session(args.db) as session:
            count = write_audit(session, config.county, args.out)
    except AuditError as error:
        print(f"fazhi: {error}", file=sys.stderr)
        return 1
    print(f"已导出 {count} 条复核记录：{args.out}")
    return 0


def _review_import(args) -> int:
    from reports.ledger_import import LedgerError, import_ledger

    config = load_config(args.config)
    with store_lock(args.db, config.county), _store_session(args.db) as session:
        try:
            applied = import_ledger(session, config, args.file, args.user, today_in_china())
        except LedgerError as error:
            for line in error.lines:
                print(f"fazhi: {line}", file=sys.stderr)
            return 1
    print(f"已导入 {applied} 条复核意见或整改情况：{args.file}")
    return 0


def _store_session(db_url: str):
    from storage.db import open_engine, session_factory

    return session_factory(open_engine(db_url))()


def _read_password() -> str:
    """From the terminal, typed twice; from a pipe (scripts, tests), its first line."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    from web.users import UserError

    password = getpass.getpass("密码：")
    if getpass.getpass("再次输入密码：") != password:
        raise UserError("两次输入的密码不一致")
    return password


def _serve(args) -> int:
    from web.app import serve

    serve(load_config(args.config), args.db, args.host, args.port)
    return 0


def _demo(args) -> int:
    """Crawls the sample portal night by night into a fresh store (the night before
    judged a day earlier), then reports the last night against the one before."""
    prepare_out_dir(args.out)
    # beside the published nights, not in one of them: --out is switched to a new folder each time
    store = nights_folder(args.out) / "demo.db"
    db_url = f"sqlite:///{store}"
    with store_lock(db_url, _demo_config(SAMPLE_CONFIG, "http://127.0.0.1").county):
        store.unlink(missing_ok=True)  # a rerun must compare the two nights, not the previous demo
        fast = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False}
        port = 0
        for night in range(1, args.nights + 1):
            # the same port every night, so that the nights' URLs compare
            with serve_portal(port=port, night=night) as portal:
                port = portal.port
                config = _demo_config(SAMPLE_CONFIG, portal.base_url)
                print(f"示例门户（第{night}晚）: {portal.base_url}/", file=sys.stderr)
                as_of = args.as_of - dt.timedelta(days=args.nights - night)
                run_id = crawl_step(config, db_url, fast)
                check_step(config, db_url, as_of, run_id)
                prune_step(config, db_url)
        print(report_step(config, db_url, args.out, run_id))
    return 0


def _demo_config(template: Path, base_url: str) -> Config:
    import tomllib

    raw = tomllib.loads(template.read_text(encoding="utf-8").replace("{base}", base_url))
    return parse_config(raw, template)


def _catalog(_args) -> int:
    from county.catalogue import format_catalogue, load_catalogue
    from rules.base import automatic_indicators

    print(format_catalogue(load_catalogue(), automatic_indicators()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
