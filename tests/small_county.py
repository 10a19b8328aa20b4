"""A small county site on 127.0.0.1 and its TOML configuration, for tests that run fazhi as an operator does."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

from crawler.siteserver import Reply, SiteServer

UNITS = (("县人民政府", "county", "/"), ("县司法局", "department", "/sfj/"), ("县教育局", "department", "/jyj/"))
ROOT = Path(__file__).resolve().parents[1]


def page(body: str) -> Reply:
    return Reply(f"<html><body>{body}</body></html>".encode(), content_type="text/html; charset=utf-8")


def county_routes(night: int = 1) -> dict:
    """Each unit has a page that changes every night, so that every night stores new documents."""
    links = "".join(f'<a href="{prefix}index.html">{name}</a>' for name, _role, prefix in UNITS[1:])
    routes = {"/": page(f"<h1>测试县人民政府</h1>{links}<p>第{night}晚</p>")}
    for name, _role, prefix in UNITS[1:]:
        routes[f"{prefix}index.html"] = page(f'<h1>{name}</h1><a href="{prefix}news.html">动态</a>')
        routes[f"{prefix}news.html"] = page(f"<h1>{name}第{night}晚的动态</h1><p>正文</p>")
    return routes


def blocked_routes(release: threading.Event) -> dict:
    """A site whose one linked page answers only once `release` is set: a crawl of it is
    reliably still running (and holding its locks) until the test lets it go."""

    def slow(_path: str) -> Reply:
        release.wait(60)
        return page("<h1>慢页面</h1>")

    return {"/": page('<h1>首页</h1><a href="/slow.html">慢</a>'), "/slow.html": slow}


def write_config(folder: Path, base_url: str, name: str = "county.toml", county: str = "测试县", **crawl: object) -> Path:
    units = "".join(
        f'[[units]]\nname = "{unit}"\nroles = ["{role}"]\nurl_prefixes = ["{base_url.rstrip("/")}{prefix}"]\n\n'
        for unit, role, prefix in UNITS
    )
    options = {"delay": 0, "autothrottle": False, "retries": 1, "timeout": 10, "allow_private_addresses": True} | crawl
    settings = "".join(f"{key} = {_toml(value)}\n" for key, value in options.items())
    path = folder / name
    path.write_text(
        f'[county]\nname = "{county}"\n\n[crawl]\nstart_urls = ["{base_url}"]\nallowed_domains = ["127.0.0.1"]\n{settings}\n{units}',
        encoding="utf-8",
    )
    return path


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def start_fazhi(*args: str) -> subprocess.Popen:
    """`fazhi ARGS` in a process of its own, as cron would start it."""
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "fazhi.cli", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_request(server: SiteServer, path: str, process: subprocess.Popen) -> None:
    """Until the crawl in `process` has asked `server` for `path` (it then holds its locks)."""
    while path not in server.paths():
        if process.poll() is not None:
            raise AssertionError(f"fazhi exited with {process.returncode} before requesting {path}: {process.stderr.read()}")
        threading.Event().wait(0.05)


def folder_state(folder: Path) -> dict[str, bytes]:
    """Every file under folder (following its link) and its bytes."""
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}



def county_site(prefix: str, night: int = 1) -> dict:
    """county_routes under a path prefix ("/jia/"), so that several counties share one host."""
    root = prefix.rstrip("/")
    return {root + path: Reply(reply.body.replace(b'href="/', f'href="{root}/'.encode()), content_type=reply.content_type)
            for path, reply in county_routes(night).items()}
