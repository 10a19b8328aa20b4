"""The one spelling of a URL under which the crawler stores a document and the rules look it up."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

SESSION_PARAMS = frozenset(("jsessionid", "phpsessid", "sid", "sessionid", "aspsessionid", "cfid", "cftoken", "session_id"))
_PATH_PARAMS = re.compile(r";[^/?#]*", re.I)


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
