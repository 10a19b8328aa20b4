"""A deployment's nights on Celery workers: one job per county, the roll-up after all of them.

``fazhi enqueue`` puts a chord on the deployment's queue: a ``fazhi.county`` job for each
county (crawl → check → report, fazhi.jobs) and ``fazhi.rollup`` once every county job has
answered. ``fazhi worker`` runs Celery's worker with this app. A county job never fails
the chord: its outcome is its exit status, as ``fazhi run`` would return it, so one county's
bad night never costs the others their roll-up.

What survives what:

- A county runs once at a time: the job holds its store's lock for the whole night
  (storage/locks.py, released by the kernel or PostgreSQL when its holder dies), and a
  second job for the same county finds it held, logs that it skipped, and answers 4.
- Jobs are acknowledged late and rejected back to the queue when the process running them
  dies (task_acks_late, task_reject_on_worker_lost): a SIGKILLed pool process's county
  is handed out again at once; every county crawls with a jobdir, so the next delivery
  resumes the same run from what the store holds (crawler/runner.py).
- When the whole worker vanishes (SIGKILL of every process, a lost machine), Redis gives
  the job back after ``redeliver_after`` seconds; while a job runs, its process keeps
  its delivery fresh so that a long night is never handed out twice.
- SIGTERM (``systemctl stop``) stops running crawls the way ``fazhi run`` stops, saving
  their queue, and puts their jobs back at the head of the queue.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import threading
import time
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from celery import Celery, chord, signals
from celery.exceptions import Reject
from kombu.exceptions import OperationalError

from county.config import Config, ConfigError
from county.deployment import County, Deployment
from crawler.signals import STOP_SIGNALS, Interrupted, raise_on_stop_signals
from fazhi.city import BAD_INPUT, BUSY, FAILED, INCOMPLETE, OK, county_store, run_county
from fazhi.jobs import JobError, incomplete_reason
from storage.db import StoreError
from storage.locks import Busy

logger = logging.getLogger("fazhi.workers")

# `fazhi enqueue --wait` ends as `fazhi run --deployment` does: with the worst county's status
EXIT_OK, EXIT_FAILED, EXIT_CONFIG, EXIT_INCOMPLETE, EXIT_BUSY = OK, FAILED, BAD_INPUT, INCOMPLETE, BUSY
# kombu's Redis transport: delivered, unacknowledged messages, scored by delivery time
UNACKED_INDEX = "unacked_index"

app = Celery("fazhi")
_deployment: Deployment | None = None  # the deployment this worker serves (fazhi worker --deployment)


def queue_of(deployment: Deployment) -> str:
    """Each deployment its own queue, so workers of two cities on one broker never take each other's jobs."""
    return f"fazhi.{deployment.name}"


def configure(deployment: Deployment) -> Celery:
    global _deployment
    _deployment = deployment
    settings = deployment.settings
    redelivery = {
        "visibility_timeout": settings.redeliver_after,
        # look for abandoned jobs a few times per redeliver_after, not every 100 s
        "unacked_restore_interval": max(1, settings.redeliver_after // 5),
        "unacked_restore_throttle": 1,
    }
    app.conf.update(
        broker_url=settings.broker,
        result_backend=settings.broker,
        broker_transport_options=redelivery,
        result_backend_transport_options=redelivery,
        task_default_queue=queue_of(deployment),
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,  # a night-long job must not sit reserved behind another one
        worker_deduplicate_successful_tasks=True,  # a job redelivered after it succeeded is not run again
        result_extended=True,
        result_expires=dt.timedelta(days=7),
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        broker_connection_retry_on_startup=True,
        # `fazhi enqueue` with the broker down: one line after a few seconds, not minutes of retries
        task_publish_retry_policy={"max_retries": 2, "interval_start": 0.5, "interval_step": 1},
    )
    return app


@app.task(bind=True, name="fazhi.county")
def county_job(self, slug: str, as_of: str, out_root: str) -> dict:
    deployment = _served()
    county = deployment.select([slug])[0]
    with _stoppable(self.request), _delivery_kept_fresh(self.request):
        return county_outcome(deployment, county, dt.date.fromisoformat(as_of), Path(out_root))


def county_outcome(deployment: Deployment, county: County, as_of: dt.date, out_root: Path) -> dict:
    """The county's night as `fazhi run` would end it: exit status, one line, the report."""
    name = county.config.county
    db_url = county_store(deployment, county)
    try:
        report = run_county(deployment, county, as_of, out_root, db_url)
    except Busy as busy:
        logger.warning("%s（%s）已有任务在运行，本次跳过：%s", name, county.slug, busy)
        return _outcome(county, EXIT_BUSY, str(busy))
    except Interrupted as interrupt:
        logger.warning("%s（%s）被 %s 中断，任务放回队列，下次接着抓", name, county.slug, interrupt.signum.name)
        raise Reject(f"interrupted by {interrupt.signum.name}", requeue=True) from None
    except (ConfigError, StoreError) as error:
        return _outcome(county, EXIT_CONFIG, str(error))
    except JobError as error:
        return _outcome(county, EXIT_FAILED, str(error))
    except Exception as error:  # noqa: BLE001 - one county's crash must not cost the others their roll-up
        logger.exception("%s（%s）的任务意外失败", name, county.slug)
        return _outcome(county, EXIT_FAILED, f"意外错误: {type(error).__name__}: {error}")
    reason = incomplete_reason(db_url, name)
    if reason:
        return _outcome(county, EXIT_INCOMPLETE, f"本次抓取不完整（{reason}）", report)
    return _outcome(county, EXIT_OK, "完成", report)


def _outcome(county: County, status: int, message: str, report: Path | None = None) -> dict:
    return {"county": county.slug, "status": status, "message": " ".join(message.split()),
            "report": str(report) if report else None}


@app.task(name="fazhi.rollup")
def rollup_job(outcomes: list[dict], as_of: str, out_root: str) -> dict:
    """The chord's callback: Celery runs it once every county job has answered."""
    from fazhi.city import rollup_step

    deployment = _served()
    report = rollup_step(deployment, deployment.db, dt.date.fromisoformat(as_of), Path(out_root))
    return {"rollup": str(report), "counties": outcomes}


def enqueue_night(deployment: Deployment, counties: tuple[County, ...], as_of: dt.date, out_root: Path):
    """The night's chord; returns its result (the roll-up's), whose parent holds the county jobs."""
    configure(deployment)
    out_root = out_root.resolve()
    # a night not started within a day is stale: tomorrow's enqueue brings its own
    expires = dt.timedelta(hours=20).total_seconds()
    header = [county_job.s(county.slug, as_of.isoformat(), str(out_root)).set(expires=expires) for county in counties]
    try:
        with app.connection_for_write() as connection:
            # before the chord: Celery's result store would retry a lost Redis for 20 seconds, logging each try
            connection.ensure_connection(max_retries=1)
        return chord(header)(rollup_job.s(as_of.isoformat(), str(out_root)))
    except OperationalError as error:
        raise ConfigError(f"无法连接任务队列 {deployment.settings.broker}：{' '.join(str(error).split())}") from None


def start_worker(deployment: Deployment, concurrency: int, loglevel: str = "INFO") -> None:
    configure(deployment)
    # every county job opens its store; the migrations' notes on each would drown the jobs' lines
    logging.getLogger("alembic").setLevel(logging.WARNING)
    app.worker_main(["worker", f"--concurrency={concurrency}", f"--loglevel={loglevel}", "--queues", queue_of(deployment),
                     "--without-gossip", "--without-mingle", "--hostname", f"fazhi-{os.getpid()}@%h"])


def _served() -> Deployment:
    if _deployment is None:
        raise ConfigError("这个进程没有加载部署文件（请用 fazhi worker --deployment 启动工作进程）")
    return _deployment


@contextmanager
def _delivery_kept_fresh(request):
    """Re-date this job's delivery while it runs: Redis hands out again a job whose delivery is
    older than redeliver_after, and a night's crawl takes longer. When the process dies the
    dates stop, and the job comes back to another worker."""
    tag = (request.properties or {}).get("delivery_tag")
    if request.is_eager or not tag:
        yield
        return
    stop = threading.Event()
    interval = max(1.0, _served().settings.redeliver_after / 4)

    def refresh() -> None:
        with app.connection_for_write() as connection:
            client = connection.default_channel.client
            while not stop.wait(interval):
                try:
                    client.zadd(UNACKED_INDEX, {tag: time.time()}, xx=True)
                except Exception as error:  # noqa: BLE001 - the broker may be away a while; the job goes on
                    logger.warning("无法向消息代理续期任务 %s：%s", request.id, error)

    thread = threading.Thread(target=refresh, name="delivery-refresh", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


@contextmanager
def _stoppable(request):
    """While a job runs, SIGTERM stops its crawl as it stops `fazhi run`: gracefully, queue saved.
    Installed per job, because billiard resets the pool process's handlers after Celery's start-up hooks."""
    if request.is_eager:
        yield
        return
    saved = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS}
    raise_on_stop_signals()
    try:
        yield
    finally:
        for signum, handler in saved.items():
            signal.signal(signum, handler)


@signals.worker_shutting_down.connect
def _stop_running_jobs(**_kwargs) -> None:
    """A warm shutdown would wait for a night-long crawl; instead stop it, and its job goes back to the queue."""
    from billiard.process import active_children

    for child in active_children():
        try:
            os.kill(child.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
