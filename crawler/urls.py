"""Which URLs the crawler may request, and under which name it knows them."""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import socket
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

from crawler.attachments import ATTACHMENT_EXTENSIONS

SESSION_PARAMS = frozenset(("jsessionid", "phpsessid", "sid", "sessionid", "aspsessionid", "cfid", "cftoken", "session_id"))
# links that are never documents: media, styles, scripts, archives we cannot read
SKIPPED_EXTENSIONS = frozenset(
    "jpg jpeg png gif bmp webp svg ico tif tiff psd mp3 mp4 avi wmv flv mov mkv wav wma rm rmvb swf "
    "css js json xml rss exe apk msi dmg iso rar 7z gz tar bz2 woff woff2 ttf eot".split()
)
_TRAP_PARAMS = frozenset(("date", "month", "day", "week", "calendar", "caldate", "riqi"))
_PATH_PARAMS = re.compile(r";[^/?#]*", re.I)
MAX_URL_LENGTH = 500


@lru_cache(maxsize=65536)
def canonical_url(url: str) -> str:
    """One spelling per document: no fragment, no session id, no duplicate slashes."""
    parts = urlsplit(url.strip())
    path = _PATH_PARAMS.sub(lambda m: "" if m.group(0)[1:].split("=")[0].lower() in SESSION_PARAMS else m.group(0), parts.path)
    path = re.sub(r"/{2,}", "/", path) or "/"
    query = urlencode(
        [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True) if key.lower() not in SESSION_PARAMS]
    )
    netloc = parts.netloc.lower()
    if (parts.scheme, netloc.rsplit(":", 1)[-1]) in (("http", "80"), ("https", "443")):
        netloc = netloc.rsplit(":", 1)[0]
    return canonicalize_url(urlunsplit((parts.scheme.lower(), netloc, path, query, "")))


def extension_of(url: str) -> str:
    path = urlsplit(url).path
    name = path.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def is_attachment_url(url: str) -> bool:
    return extension_of(url) in ATTACHMENT_EXTENSIONS


def is_skipped(url: str) -> bool:
    return extension_of(url) in SKIPPED_EXTENSIONS


def in_domains(url: str, domains: Iterable[str]) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return any(host == domain.lower() or host.endswith("." + domain.lower()) for domain in domains)


def is_trap(url: str, today: dt.date | None = None) -> bool:
    """Calendar pages and path loops that would generate links forever."""
    if len(url) > MAX_URL_LENGTH:
        return True
    parts = urlsplit(url)
    segments = [segment for segment in parts.path.split("/") if segment]
    if any(segments.count(segment) >= 3 for segment in set(segments)):
        return True
    if len(segments) >= 4 and _repeats_pair(segments):
        return True
    params = {key.lower(): value for key, value in parse_qsl(parts.query)}
    if _TRAP_PARAMS & params.keys():
        return True
    year = params.get("year", "")
    if year.isdigit():
        this_year = (today or dt.date.today()).year
        return not 1990 <= int(year) <= this_year + 1
    return False


def _repeats_pair(segments: list[str]) -> bool:
    pairs = list(zip(segments, segments[1:]))
    return any(pairs.count(pair) >= 2 for pair in set(pairs))


@lru_cache(maxsize=1024)
def is_private_host(host: str) -> bool:
    """Whether a host is, or resolves to, a loopback, private, link-local or reserved address."""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (socket.gaierror, UnicodeError):
        return False  # the download itself will report the DNS failure
    return any(_private(address) for address in addresses)


def _private(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    return ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast or ip.is_unspecified
