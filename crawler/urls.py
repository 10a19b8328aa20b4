"""Which URLs the crawler may request, and under which name it knows them."""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import re
import socket
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from crawler.attachments import ATTACHMENT_EXTENSIONS
from crawler.cms import PAGING_PARAMS

# links that are never documents: media, styles, scripts, archives we cannot read
SKIPPED_EXTENSIONS = frozenset(
    "jpg jpeg png gif bmp webp svg ico tif tiff psd mp3 mp4 avi wmv flv mov mkv wav wma rm rmvb swf "
    "css js json xml rss exe apk msi dmg iso rar 7z gz tar bz2 woff woff2 ttf eot".split()
)
_TRAP_PARAMS = frozenset(("date", "month", "day", "week", "calendar", "caldate", "riqi"))
MAX_URL_LENGTH = 500
_DIGITS = re.compile(r"\d+")
# visits of one page, differing only in a parameter, that show the same text before that parameter is dropped
VOLATILE_VISITS = 3


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


def url_section(url: str) -> str:
    """The directory a page sits in: a CMS keeps one column's list and articles there."""
    parts = urlsplit(url)
    return f"{parts.netloc}{parts.path.rpartition('/')[0]}/"


def url_pattern(url: str) -> str:
    """The URL with its numbers and parameter values blanked: what a generator of endless pages keeps fixed."""
    parts = urlsplit(url)
    names = sorted({key.lower() for key, _value in parse_qsl(parts.query, keep_blank_values=True)})
    return _DIGITS.sub("#", f"{parts.netloc}{parts.path}") + ("?" + "&".join(names) if names else "")


class VolatileParams:
    """Query parameters whose value changes on every visit to the same page: a random token, a timestamp.

    Such a parameter makes every rendering of a link a new URL. It is recognised when
    VOLATILE_VISITS visits that differ only in its value show the same text, and no two
    values ever showed different texts; from then on it is dropped from that host's URLs.
    """

    def __init__(self):
        self._texts: dict[tuple, dict[str, bytes]] = {}  # (host, path, name, other pairs) -> value -> text digest
        self._meaningful: set[tuple[str, str]] = set()
        self.by_host: dict[str, frozenset[str]] = {}

    def observe(self, url: str, text: str) -> None:
        parts = urlsplit(url)
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        if not pairs or not text:
            return
        host, digest = parts.netloc, hashlib.blake2b(text.encode("utf-8", "replace"), digest_size=8).digest()
        for index, (key, value) in enumerate(pairs):
            name = key.lower()
            if name in PAGING_PARAMS or (host, name) in self._meaningful or name in self.by_host.get(host, ()):
                continue
            base = (host, parts.path, name, tuple(pair for place, pair in enumerate(pairs) if place != index))
            texts = self._texts.setdefault(base, {})
            texts.setdefault(value, digest)
            if len(set(texts.values())) > 1:
                self._meaningful.add((host, name))
            elif len(texts) >= VOLATILE_VISITS:
                self.by_host[host] = self.by_host.get(host, frozenset()) | {name}
            else:
                continue
            del self._texts[base]

    def strip(self, url: str) -> str:
        """The URL without the parameters found volatile on its host."""
        if not self.by_host:
            return url
        parts = urlsplit(url)
        names = self.by_host.get(parts.netloc.lower())
        if not names or not parts.query:
            return url
        kept = [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True) if key.lower() not in names]
        return urlunsplit(parts._replace(query=urlencode(kept)))


def _repeats_pair(segments: list[str]) -> bool:
    pairs = list(zip(segments, segments[1:]))
    return any(pairs.count(pair) >= 2 for pair in set(pairs))


NAT64 = ipaddress.ip_network("64:ff9b::/96")
# metadata services answer on these inside clouds; a host name never unlocks them, only a listed network
METADATA = frozenset(map(ipaddress.ip_address, ("169.254.169.254", "fd00:ec2::254", "100.100.100.200")))
DEFAULT_PORTS = {"http": 80, "https": 443}


def is_special_address(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Loopback, private, link-local, shared (100.64/10), reserved, multicast …: anything not on the public internet.

    An IPv6 address that carries an IPv4 one (mapped, NAT64, 6to4, Teredo) is judged by
    that IPv4 address too, since that is where the packets end up.
    """
    if not ip.is_global or ip.is_multicast:
        return True
    return any(is_special_address(inner) for inner in _embedded_ipv4(ip))


def _embedded_ipv4(ip) -> list[ipaddress.IPv4Address]:
    if ip.version == 4:
        return []
    inner = [ip.ipv4_mapped, ip.sixtofour, *(ip.teredo or ())]
    if ip in NAT64:
        inner.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return [address for address in inner if address is not None]


@lru_cache(maxsize=1024)
def host_addresses(host: str) -> tuple[ipaddress.IPv4Address | ipaddress.IPv6Address, ...]:
    """The addresses a host name is, or resolves to (empty when it does not resolve)."""
    try:
        return (ipaddress.ip_address(host.strip("[]").split("%")[0]),)
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except (socket.gaierror, UnicodeError, OSError):
        return ()  # the download itself will report the DNS failure
    return tuple(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos))


class Scope:
    """Where the crawler may go: allowed domains on allowed ports, never to special-use addresses unless listed.

    ``allowed_networks`` names host names (allowed whatever they resolve to, metadata
    addresses excepted) or CIDR networks (addresses inside are allowed). The ports are
    those of the start URLs plus 80 and 443, so another service on an allowed host is
    not crawled.
    """

    def __init__(self, start_urls: Iterable[str], domains: Iterable[str], allowed_networks: Iterable[str] = ()):
        self.domains = tuple(domain.lower() for domain in domains)
        self.ports = frozenset(DEFAULT_PORTS.values()) | {_port(urlsplit(url)) for url in start_urls}
        self.hosts: set[str] = set()
        self.networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        for entry in allowed_networks:
            try:
                self.networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                self.hosts.add(entry.lower().rstrip("."))

    @classmethod
    def of(cls, crawl) -> Scope:
        """The scope of a [crawl] table; allow_private_addresses allows the start URLs' own hosts."""
        named = list(crawl.allowed_networks)
        if crawl.allow_private_addresses:
            named += [urlsplit(url).hostname or "" for url in crawl.start_urls]
        return cls(crawl.start_urls, crawl.allowed_domains, named)

    def in_scope(self, url: str) -> bool:
        """An allowed domain on an allowed port (no DNS look-up)."""
        parts = urlsplit(url)
        try:
            port = _port(parts)
        except ValueError:
            return False
        return port in self.ports and in_domains(url, self.domains)

    def refuses_address(self, host: str) -> bool:
        """Whether the host is, or resolves to, a special-use address the configuration does not allow."""
        host = host.lower().rstrip(".")
        named = host in self.hosts
        return any(self._refused(ip, named) for ip in host_addresses(host))

    def _refused(self, ip, named: bool) -> bool:
        if any(ip in network for network in self.networks if network.version == ip.version):
            return False
        if named:
            return ip in METADATA
        return is_special_address(ip)


def _port(parts) -> int:
    return parts.port or DEFAULT_PORTS.get(parts.scheme.lower(), 0)
