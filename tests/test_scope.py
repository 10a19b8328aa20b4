"""Where the crawler may go: special-use addresses are refused unless listed, and an allowed
host is crawled on the start URLs' ports only. Sites are served on 127.0.0.1; the refused
addresses are never connected to, so no test leaves this machine.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from crawler.runner import crawl
from crawler.siteserver import Reply, SiteServer
from crawler.testing import FAST, local_config
from crawler.urls import Scope
from storage.db import open_engine, run_documents, run_fetch_errors, session_factory

SPECIAL = {
    "100.64.0.1": "shared address space (carrier NAT, some clouds' metadata)",
    "169.254.169.254": "cloud metadata service",
    "10.0.0.1": "private network",
    "[::ffff:a00:1]": "IPv4-mapped private address (::ffff:10.0.0.1)",
    "[64:ff9b::a00:1]": "NAT64 of a private address",
    "[fd00:ec2::254]": "IPv6 metadata service",
}


def html(text: str) -> Reply:
    return Reply(text.encode("utf-8"), content_type="text/html; charset=utf-8")


def run_crawl(server: SiteServer, tmp_path: Path, domains: list[str] | None = None, **options):
    db_url = f"sqlite:///{tmp_path / 'store.db'}"
    config = local_config(server.url, **options)
    if domains:
        config = local_config(server.url, allowed_domains=["127.0.0.1", *domains], **options)
    run_id = crawl(config, db_url, progress=False, overrides=FAST)
    with session_factory(open_engine(db_url))() as session:
        docs = {doc.url for doc in run_documents(session, run_id)}
        errors = {error.url: error.reason for error in run_fetch_errors(session, run_id)}
    return docs, errors


def test_special_use_addresses_are_refused_although_the_portal_itself_is_allowed(tmp_path):
    links = "".join(f'<a href="http://{host}/latest/">{name}</a>' for host, name in SPECIAL.items())
    hosts = [host.strip("[]") for host in SPECIAL]
    with SiteServer(routes={"/": html(f"<h1>首页首页</h1>{links}")}) as server:
        docs, errors = run_crawl(server, tmp_path, domains=hosts, timeout=2, retries=0)
    assert docs == {server.url}
    refused = {url: reason for url, reason in errors.items() if "内网" in reason}
    assert len(refused) == len(SPECIAL), errors


def test_allow_private_addresses_now_allows_only_the_start_hosts(tmp_path):
    with SiteServer(routes={"/": html('<h1>首页首页</h1><a href="http://10.0.0.1/">内网</a>')}) as server:
        docs, errors = run_crawl(server, tmp_path, domains=["10.0.0.1"], allowed_networks=[], allow_private_addresses=True,
                                 timeout=2, retries=0)
    assert docs == {server.url}
    assert "内网" in errors["http://10.0.0.1/"]


def test_other_ports_of_an_allowed_host_are_never_requested(tmp_path):
    with SiteServer(routes={"/": html("<h1>管理后台</h1>")}) as other:
        site = {
            "/": html(f'<h1>首页首页</h1><a href="{other.url}admin.html">后台</a><a href="/jump.html">跳转</a>'),
            "/jump.html": Reply(b"", status=302, headers={"Location": f"{other.url}jumped.html"}),
        }
        with SiteServer(routes=site) as server:
            docs, errors = run_crawl(server, tmp_path)
        requested = other.paths()
    assert requested == []
    assert server.url in docs and not any(url.startswith(other.url) for url in docs)


def test_a_named_host_or_network_is_allowed_and_nothing_else(monkeypatch):
    resolved = {"intranet.example": "10.1.2.3", "other.intranet.example": "10.1.2.4", "meta.intranet.example": "169.254.169.254",
                "lan.example": "10.9.9.9", "www.example.gov.cn": "8.8.8.8"}

    def getaddrinfo(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (resolved[host], 0))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    scope = Scope(["https://www.example.gov.cn/"], ["example.gov.cn"], ["intranet.example", "meta.intranet.example", "10.9.0.0/16"])
    assert not scope.refuses_address("intranet.example")
    assert scope.refuses_address("other.intranet.example")  # a name allows that host, not its neighbours
    assert scope.refuses_address("meta.intranet.example")  # a name never opens the metadata service
    assert not scope.refuses_address("lan.example") and not scope.refuses_address("10.9.1.1")
    assert scope.refuses_address("10.8.1.1") and not scope.refuses_address("www.example.gov.cn")


@pytest.mark.parametrize(
    ("url", "allowed"),
    [("https://www.example.gov.cn/a.html", True), ("http://www.example.gov.cn:80/", True),
     ("http://www.example.gov.cn:8443/", True), ("http://www.example.gov.cn:8080/", False), ("http://www.example.gov.cn:99999/", False)],
)
def test_the_ports_of_an_allowed_domain(url, allowed):
    scope = Scope(["https://www.example.gov.cn:8443/"], ["example.gov.cn"])
    assert scope.in_scope(url) is allowed
