"""List habits of the CMSs county portals are built with, one helper per habit.

A browser reaches these list items and list pages through script; a crawler that
only reads ``<a href>`` misses them. Every helper is a pure function of the page
source and its URL, so each habit is tested on saved markup (tests/fixtures/crawl/cms/).

- Hanweb 大汉 JCMS: the first records sit in ``<script type="text/xml"><datastore>``
  as CDATA, the rest come from ``/module/web/jpage/dataproxy.jsp`` in groups, which
  answers POST only (the paging in the query string, the column in the form body).
- TRS 动静结合 lists (``listModel({quickMode: "动静结合", maxStaticIndex, listArgs,
  pagebar: {prepage, recordCount}})``): the page holds the first pages, the rest come
  from the site's TRS search (``/was5/web/search``, JSON ``{"count", "docs": [...]}``).
- A list that claims more records than the crawler can reach is a ListClaim: the
  spider counts what it read and records the list as partly read.
- Static numbered pagers (DedeCMS ``list_12_2.html``, EmpireCMS/站群 ``index_2.shtml``,
  PHPCMS ``?page=2``, ``&pageNo=2``, ``pageIndex``): the pager shows a window of
  page numbers and a 尾页 link, so the whole range is known from page one.
- Links in script: ``onclick="window.open('…')"``, ``location.href='…'``,
  ``href="javascript:openUrl('…')"``, ``document.write('<a href=…>')``.
"""

from __future__ import annotations

import html as html_lib
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import lxml.html
from lxml import etree

from parsing.urls import canonical_url

MAX_LIST_PAGES = 500

# ---- Hanweb JCMS jpage datastore --------------------------------------------------

_XML_SCRIPT = re.compile(r"<script\b[^>]*\btype\s*=\s*['\"]?text/xml['\"]?[^>]*>(.*?)</script\s*>", re.I | re.S)
_DATASTORE = re.compile(r"<datastore\b.*?(?:</datastore\s*>|$)", re.I | re.S)
_RECORD = re.compile(r"<record\b[^>]*>\s*<!\[CDATA\[(.*?)\]\]>\s*</record\s*>", re.I | re.S)
_NEXTGROUP = re.compile(r"<nextgroup\b[^>]*>\s*<!\[CDATA\[.*?href\s*=\s*['\"]([^'\"]+)['\"]", re.I | re.S)
_TOTAL_RECORD = re.compile(r"(?:\btotalRecord\s*[:=]\s*['\"]?|<totalrecord>\s*)(\d+)", re.I)
_PER_PAGE = re.compile(r"\bperPage\s*[:=]\s*['\"]?(\d+)", re.I)
_GROUP_SIZE = re.compile(r"\bgroupSize\s*[:=]\s*['\"]?(\d+)", re.I)
_PROXY_URL = re.compile(r"\bproxyUrl\s*:\s*['\"]([^'\"]+dataproxy\.jsp)['\"]", re.I)
_PARAM_OBJECT = re.compile(r"(?:\bparam_\w+\s*=|\bajaxParam\s*:)\s*\{([^{}]*)\}", re.I)
_JS_PAIR = re.compile(r"['\"]?(\w+)['\"]?\s*:\s*(?:'([^']*)'|\"([^\"]*)\"|([^,\s}]+))")
DEFAULT_PROXY = "/module/web/jpage/dataproxy.jsp"
# what jpage.js sends when a page does not say (a group is groupSize pages of perPage records)
DEFAULT_PER_PAGE, DEFAULT_GROUP_SIZE = 15, 3
_PAGING_PARAMS = frozenset(("page", "startrecord", "endrecord", "perpage"))


def unwrap_datastores(html: str) -> str:
    """The page with every jpage datastore replaced by its records' own markup.

    An HTML parser keeps a script's content as text, so the CDATA records (the list
    entries with their links and dates) would be invisible; a dataproxy response is
    a bare datastore and gets the same treatment.
    """
    if "<record" not in html and "<RECORD" not in html:
        return html
    unwrapped = _XML_SCRIPT.sub(lambda m: _records_markup(m.group(1)) if _RECORD.search(m.group(1)) else m.group(0), html)
    return _DATASTORE.sub(lambda m: _records_markup(m.group(0)), unwrapped)


def _records_markup(datastore: str) -> str:
    records = _RECORD.findall(datastore)
    if records and records[0].lstrip().lower().startswith("<tr"):
        # table-row records (older JCMS templates) only parse inside a table
        return f"<table class=\"datastore\">{''.join(records)}</table>"
    return "<div class=\"datastore\">" + "".join(f"<div class=\"record\">{record}</div>" for record in records) + "</div>"


def hanweb_proxy_pages(html: str, url: str) -> list[str]:
    """The dataproxy.jsp requests that fetch the records after those this page holds."""
    if "datastore" not in html.lower() and "jpage" not in html.lower():
        return []
    proxy = _proxy_request(html, url)
    if proxy is None:
        return []
    per_page, group = _group_shape(html, url)
    first = _first_missing_record(html, url)
    total = _TOTAL_RECORD.search(html)
    if total is None:
        # no count: ask for the next group only while groups come back full
        records = len(_RECORD.findall(html))
        return [_proxy_url(proxy, first, first + group - 1, per_page)] if records and records % group == 0 else []
    # groups end on whole-group boundaries, never clipped to the total, so the page and the
    # group before ask for the same URL and the crawler's seen-set keeps it to one request
    starts = range(first, int(total.group(1)) + 1, group)
    return [_proxy_url(proxy, start, start + group - 1, per_page) for start in starts][:MAX_LIST_PAGES]


def _proxy_request(html: str, url: str) -> tuple[str, list[tuple[str, str]]] | None:
    """The proxy's address and its column parameters (columnid, unitid, webid …)."""
    if _is_proxy_response(url):
        parts = urlsplit(url)
        return urlunsplit((parts.scheme, parts.netloc, parts.path, "", "")), _column_params(parts.query)
    nextgroup = _NEXTGROUP.search(html)
    if nextgroup:
        target = urljoin(url, html_lib.unescape(nextgroup.group(1).strip()))
        parts = urlsplit(target)
        return urlunsplit((parts.scheme, parts.netloc, parts.path, "", "")), _column_params(parts.query)
    params = _script_params(html)
    if "columnid" not in {key.lower() for key, _value in params}:
        return None
    proxy = _PROXY_URL.search(html)
    return urljoin(url, proxy.group(1) if proxy else DEFAULT_PROXY), params


def _column_params(query: str) -> list[tuple[str, str]]:
    seen: set[str] = set()
    kept = []
    for key, value in parse_qsl(query, keep_blank_values=True):
        if key.lower() not in _PAGING_PARAMS and key not in seen:
            seen.add(key)
            kept.append((key, value))
    return kept


def _script_params(html: str) -> list[tuple[str, str]]:
    params: dict[str, str] = {}
    for block in _PARAM_OBJECT.finditer(html):
        for key, *values in _JS_PAIR.findall(block.group(1)):
            params.setdefault(key, next((value for value in values if value), ""))
    return list(params.items())


def _group_shape(html: str, url: str) -> tuple[int, int]:
    if _is_proxy_response(url):
        query = {key.lower(): value for key, value in parse_qsl(urlsplit(url).query)}
        start, end, per_page = (int(query.get(name, "0") or 0) for name in ("startrecord", "endrecord", "perpage"))
        return per_page or DEFAULT_PER_PAGE, max(end - start + 1, 1)
    per_page = _int(_PER_PAGE.search(html), DEFAULT_PER_PAGE)
    return per_page, per_page * _int(_GROUP_SIZE.search(html), DEFAULT_GROUP_SIZE)


def _first_missing_record(html: str, url: str) -> int:
    if _is_proxy_response(url):
        query = {key.lower(): value for key, value in parse_qsl(urlsplit(url).query)}
        return int(query.get("endrecord", "0") or 0) + 1
    return len(_RECORD.findall(html)) + 1


def _is_proxy_response(url: str) -> bool:
    parts = urlsplit(url)
    return parts.path.endswith("dataproxy.jsp") and "endrecord" in parts.query.lower()


def _proxy_url(proxy: tuple[str, list[tuple[str, str]]], start: int, end: int, per_page: int) -> str:
    address, params = proxy
    paging = [("startrecord", str(start)), ("endrecord", str(end)), ("perpage", str(per_page))]
    return f"{address}?{urlencode(paging + params)}"


def _int(match: re.Match | None, default: int) -> int:
    return int(match.group(1)) if match and int(match.group(1)) > 0 else default


def is_hanweb_proxy(url: str) -> bool:
    """A dataproxy.jsp group as the crawler names it (paging and column in one query)."""
    return _is_proxy_response(url)


def hanweb_post(url: str) -> tuple[str, list[tuple[str, str]]]:
    """The request jpage.js sends for a group: POST to the proxy with the paging in the query
    string and the column in the form body (col=1 always; dataproxy answers GET with nothing)."""
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    paging = [(key, value) for key, value in pairs if key.lower() in ("startrecord", "endrecord", "perpage")]
    form = _column_params(parts.query)
    if not any(key == "col" for key, _value in form):
        form.insert(0, ("col", "1"))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(paging), "")), form


def _hanweb_claim(html: str, url: str) -> ListClaim | None:
    lowered = html.lower()
    if _is_proxy_response(url) or ("datastore" not in lowered and "jpage" not in lowered):
        return None
    total = _TOTAL_RECORD.search(html)
    on_page = len(_RECORD.findall(html))
    if total is None or int(total.group(1)) <= on_page:
        return None
    pages = hanweb_proxy_pages(html, url)
    if pages:
        return ListClaim(_family_key(pages[0]), int(total.group(1)), on_page, pages[0])
    return ListClaim(_page_key(url), int(total.group(1)), on_page, None, "大汉列表的其余记录由脚本从站内接口加载，页面上没有接口所需的栏目参数（columnid）")


# ---- TRS 动静结合 lists --------------------------------------------------------------

_LIST_MODEL = re.compile(r"\blistModel\s*\(\s*\{")
_RECORD_COUNT = re.compile(r"\brecordCount\s*:\s*['\"]?(\d+)")
_PREPAGE = re.compile(r"\bprepage\s*:\s*['\"]?(\d+)", re.I)
_MAX_STATIC = re.compile(r"\bmaxStaticIndex\s*:\s*['\"]?(\d+)")
_STRING = re.compile(r"'([^']*)'|\"([^\"]*)\"")
# what TRS's list2.trsapi asks the site's WAS search for: the column's documents, a page at a time
# (the templet every Fujian TRS portal's list API names: ybj/fgw/tjj.fujian.gov.cn, putian.gov.cn)
SEARCH_PATH, SEARCH_TEMPLET = "/was5/web/search", "advsch.jsp"


def _list_arg(html: str, name: str) -> str:
    """A listArgs value: a string (the last non-empty one of ``"" || "chnlid=1813"``), a number,
    or a property of an object the page defines (``SiteInfo.searchId`` → ``searchId: 200210``)."""
    match = re.search(rf"\b{name}\s*:\s*((?:'[^']*'|\"[^\"]*\"|[^,\n}}'\"])+)", html)
    if match is None:
        return ""
    value = match.group(1).strip()
    strings = [single or double for single, double in _STRING.findall(value) if single or double]
    if strings:
        return strings[-1]
    if value.isdigit():
        return value
    reference = re.fullmatch(r"[A-Za-z_$][\w$]*\.([A-Za-z_$][\w$]*)", value)
    if reference:
        defined = re.search(rf"\b{reference.group(1)}\s*:\s*['\"]?(\d+)", html)
        return defined.group(1) if defined else ""
    return ""


def _trs_claim(html: str, url: str) -> ListClaim | None:
    if not _LIST_MODEL.search(html):
        return None
    count, prepage, static = _RECORD_COUNT.search(html), _PREPAGE.search(html), _MAX_STATIC.search(html)
    if count is None or prepage is None or int(prepage.group(1)) <= 0:
        return None
    total, per_page = int(count.group(1)), int(prepage.group(1))
    static_pages = int(static.group(1)) if static else 1
    on_page = min(total, static_pages * per_page)
    if total <= on_page:
        return None
    channel, classsql = _list_arg(html, "channelid"), _list_arg(html, "classsql")
    if not channel or not classsql:
        return ListClaim(_page_key(url), total, on_page, None, "TRS 列表的其余记录由脚本从站内检索接口加载，页面上没有检索频道（channelid）和栏目条件（classsql）")
    first = search_page_url(url, channel, classsql, _list_arg(html, "sortfield"), per_page, static_pages + 1)
    return ListClaim(_family_key(first), total, on_page, first)


def search_page_url(url: str, channel: str, classsql: str, sortfield: str, per_page: int, page: int) -> str:
    query = [("channelid", channel), ("templet", SEARCH_TEMPLET), ("sortfield", sortfield), ("classsql", classsql),
             ("prepage", str(per_page)), ("page", str(page))]
    return urljoin(url, SEARCH_PATH) + "?" + urlencode([(key, value) for key, value in query if value])


def _search_answer(html: str) -> dict | None:
    if not html.lstrip().startswith("{") or '"docs"' not in html:
        return None
    try:
        # the search writes raw line breaks inside its strings
        answer = json.loads(html, strict=False)
    except ValueError:
        return None
    return answer if isinstance(answer, dict) and isinstance(answer.get("docs"), list) else None


def unwrap_search_answer(html: str) -> str:
    """A TRS search answer as the list markup a reader would see: one entry per document."""
    answer = _search_answer(html)
    if answer is None:
        return html
    entries = []
    for doc in answer["docs"]:
        if not isinstance(doc, dict) or not looks_like_url(str(doc.get("url") or "")):
            continue  # an empty result holds one template row (文章标题) without an address
        title = html_lib.escape(re.sub(r"<[^>]+>", "", str(doc.get("title") or "")))
        entries.append(f"<li><a href=\"{html_lib.escape(str(doc['url']))}\">{title}</a> <span>{html_lib.escape(str(doc.get('pubtime') or ''))}</span></li>")
    return f"<html><head><title></title></head><body><ul class=\"search-answer\">{''.join(entries)}</ul></body></html>"


def search_answer_pages(html: str, url: str) -> list[str]:
    """The search pages after this one, up to the count the answer gives."""
    parts = urlsplit(url)
    if not parts.path.endswith(SEARCH_PATH):
        return []
    answer = _search_answer(html)
    query = {key: value for key, value in parse_qsl(parts.query, keep_blank_values=True)}
    if answer is None or not str(query.get("page", "")).isdigit() or not str(query.get("prepage", "")).isdigit():
        return []
    page, per_page = int(query["page"]), max(int(query["prepage"]), 1)
    try:
        last = math.ceil(int(answer.get("count")) / per_page)
    except (TypeError, ValueError):
        return []
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    return [urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode([(k, str(n) if k == "page" else v) for k, v in pairs]), ""))
            for n in range(page + 1, min(last, page + MAX_LIST_PAGES) + 1)]


def unwrap_list_data(html: str) -> str:
    """List records a script would show, as markup: Hanweb datastores and TRS search answers."""
    return unwrap_datastores(unwrap_search_answer(html))


# ---- lists that claim more than a page holds -------------------------------------------


@dataclass(frozen=True)
class ListClaim:
    """A list page's own count of its records and how the crawler reaches the rest."""

    key: str  # the list: its API's pager family, or the page itself when no API is known
    total: int  # records the list says it has
    on_page: int  # records the page itself holds
    api: str | None  # the first request to the list's own API; None: it cannot be derived
    why_not: str = ""  # why not, in Chinese, for the report

    def to_json(self) -> dict:
        return {"key": self.key, "total": self.total, "on_page": self.on_page, "api": self.api, "why_not": self.why_not}

    @classmethod
    def from_json(cls, values: dict) -> ListClaim:
        return cls(values["key"], values["total"], values["on_page"], values.get("api"), values.get("why_not", ""))


def list_claim(html: str, url: str) -> ListClaim | None:
    """What a list page claims beyond the records it holds, if it claims more."""
    return _hanweb_claim(html, url) or _trs_claim(html, url)


def list_key(url: str) -> str | None:
    """The list an API answer (a dataproxy group, a search page) belongs to, by its URL in
    canonical form (the form the crawler stores it under)."""
    family = pager_family(canonical_url(url))
    return json.dumps(family[0], ensure_ascii=False) if family is not None else None


def _family_key(url: str) -> str:
    return list_key(url) or _page_key(url)


def _page_key(url: str) -> str:
    return json.dumps(["page", url], ensure_ascii=False)


# ---- static numbered pagers ---------------------------------------------------------

_NUMBERED_FILE = re.compile(r"^(?P<stem>[A-Za-z][\w-]*?)_(?P<n>\d{1,6})\.(?P<ext>s?html?|jsp|php|aspx?)$")
PAGE_PARAMS = ("page", "pageno", "pageindex", "pagenum", "page_no", "curpage", "currentpage", "pn", "p", "cpage")
# parameters that number list pages: past a list's end they all show the same page, and that is no trap
PAGING_PARAMS = frozenset(PAGE_PARAMS) | _PAGING_PARAMS
_PAGER_TEXT = re.compile(r"^(?:\d{1,6}|\[\d{1,6}\]|下一?页|上一?页|尾页|末页|最后一?页|首页|第一页|next|last|prev|>|>>|»|›|<|<<|«|‹)$", re.I)


def numbered_pages(url: str, links: Iterable[tuple[str, str]]) -> list[str]:
    """Every page of a numbered pager whose first and last numbers this page links to.

    A pager shows a window (1 2 3 … 10 下一页 尾页); filling the range in from page one
    reaches page 40 without walking forty 下一页 links, which the depth limit would cut.
    A link counts when its text is a page number or a pager word and it differs from
    its siblings only in the page number, so article links never look like pages.
    """
    families: dict[tuple, set[int]] = {}
    for target, text in links:
        if not _PAGER_TEXT.match(text.strip()):
            continue
        family = _page_family(target)
        if family is not None and _same_list(family[0], url):
            families.setdefault(family[0], set()).add(family[1])
    found: list[str] = []
    for key, numbers in families.items():
        low, high = min(numbers), max(numbers)
        found += [_page_url(key, n) for n in range(low, min(high, low + MAX_LIST_PAGES - 1) + 1)]
    return found


def _page_family(target: str) -> tuple[tuple, int] | None:
    """(what the page's URL is without its number, the number) for a pager link."""
    parts = urlsplit(target)
    query = parse_qsl(parts.query, keep_blank_values=True)
    for index, (key, value) in enumerate(query):
        if key.lower() in PAGE_PARAMS and value.isdigit():
            others = tuple((k, "" if i == index else v) for i, (k, v) in enumerate(query))
            return ("query", parts.scheme, parts.netloc, parts.path, others, index), int(value)
    folder, _slash, name = parts.path.rpartition("/")
    match = _NUMBERED_FILE.match(name)
    if match and not parts.query:
        return ("file", parts.scheme, parts.netloc, folder, match["stem"], match["ext"]), int(match["n"])
    return None


def pager_family(url: str) -> tuple[tuple, int] | None:
    """(the list a generated list page belongs to, its page number), for numbered pages and dataproxy groups."""
    parts = urlsplit(url)
    if parts.path.endswith("dataproxy.jsp"):
        query = {key.lower(): value for key, value in parse_qsl(parts.query)}
        start = query.get("startrecord", "")
        if start.isdigit():
            return ("proxy", parts.scheme, parts.netloc, parts.path, tuple(_column_params(parts.query))), int(start)
    return _page_family(url)


def is_pager_text(text: str) -> bool:
    """Link text of a pager entry: empty (a page a script announces), a number or a pager word."""
    return not text.strip() or bool(_PAGER_TEXT.match(text.strip()))


def _same_list(key: tuple, url: str) -> bool:
    parts = urlsplit(url)
    if (key[1], key[2]) != (parts.scheme, parts.netloc):
        return False
    return key[3] == parts.path if key[0] == "query" else key[3] == parts.path.rpartition("/")[0]


def _page_url(key: tuple, number: int) -> str:
    if key[0] == "query":
        _kind, scheme, netloc, path, query, index = key
        pairs = [(k, str(number) if i == index else v) for i, (k, v) in enumerate(query)]
        return urlunsplit((scheme, netloc, path, urlencode(pairs), ""))
    _kind, scheme, netloc, folder, stem, ext = key
    return urlunsplit((scheme, netloc, f"{folder}/{stem}_{number}.{ext}", "", ""))


# ---- links in script ----------------------------------------------------------------

_NAVIGATION = re.compile(
    r"(?:window\.open|(?:window\.|document\.|top\.|parent\.|self\.)?location(?:\.href)?\s*=|location\.(?:assign|replace))"
    r"\s*\(?\s*['\"]([^'\"]+)['\"]"
)
_JS_STRINGS = re.compile(r"'([^'\\]*)'|\"([^\"\\]*)\"")
_DOCUMENT_WRITE = re.compile(r"document\.write(?:ln)?\(\s*(['\"])(.*?)(?<!\\)\1\s*\)", re.S)
_DOCUMENT_EXTENSION = re.compile(r"\.(?:s?html?|jsp|php|aspx?|pdf|docx?|xlsx?|wps|ofd|txt|zip|rtf|et)(?:[?#].*)?$", re.I)


def looks_like_url(value: str) -> bool:
    """A script argument that names a page, not an id, a title or a function."""
    value = value.strip()
    if not value or any(char in value for char in " <>+{}$") or value.startswith(("#", "javascript:")):
        return False
    return value.startswith(("http://", "https://", "/", "./", "../")) or bool(_DOCUMENT_EXTENSION.search(value))


def navigation_target(script: str) -> str | None:
    """Where an onclick handler or a ``javascript:`` href sends the reader."""
    match = _NAVIGATION.search(script)
    if match and looks_like_url(match.group(1)):
        return match.group(1).strip()
    if script.lstrip().lower().startswith("javascript:") or "(" in script:
        strings = (single or double for single, double in _JS_STRINGS.findall(script))
        return next((value.strip() for value in strings if looks_like_url(value)), None)
    return None


def script_link_elements(root: lxml.html.HtmlElement) -> Iterable[tuple[lxml.html.HtmlElement, str]]:
    """(element, target) for list entries and anchors that open a page through script."""
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        href = (node.get("href") or "").strip() if node.tag in ("a", "area") else ""
        if href.lower().startswith("javascript:"):
            target = navigation_target(href[len("javascript:"):])
            if target:
                yield node, target
                continue
        onclick = node.get("onclick")
        if onclick and not (href and not href.lower().startswith("javascript:") and href != "#"):
            target = navigation_target(onclick)
            if target:
                yield node, target


def document_write_fragments(root: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The markup inline scripts write with document.write, parsed, when it holds links."""
    fragments = []
    for script in root.iter("script"):
        source = script.text or ""
        if "document.write" not in source:
            continue
        written = "".join(_unescape_js(match.group(2)) for match in _DOCUMENT_WRITE.finditer(source))
        if "<a" in written.lower():
            try:
                fragments.append(lxml.html.fragment_fromstring(written, create_parent="div"))
            except etree.ParserError:
                continue
    return fragments


def _unescape_js(literal: str) -> str:
    return re.sub(r"\\(['\"\\/])", r"\1", literal)


# ---- text written by script ---------------------------------------------------------

_FIRST_WRITE = re.compile(r"document\.write(?:ln)?\(\s*(?:(['\"])(.*?)(?<!\\)\1|([A-Za-z_$][\w$]*))\s*\)", re.S)


def written_text(script: str) -> str | None:
    """The plain text an inline script's first ``document.write`` shows, when the page holds it as a literal.

    ``来源：<script>var csource = "深圳特区报"; … document.write(csource)</script>``: the value is in the
    page. A variable assigned anything but one literal (``strDate = strDate + " 星期五 "``, today's
    date) or written markup is not text the page holds, so it gives nothing.
    """
    write = _FIRST_WRITE.search(script)
    if write is None:
        return None
    if write.group(3) is None:
        text = _unescape_js(write.group(2))
    else:
        assignments = re.findall(rf"(?<![\w$.]){re.escape(write.group(3))}\s*(\+?=)(?!=)\s*(?:(['\"])(.*?)(?<!\\)\2\s*[;\n])?", script)
        if len(assignments) != 1 or assignments[0][0] != "=" or not assignments[0][1]:
            return None
        text = _unescape_js(assignments[0][2])
    return text.strip() if text.strip() and "<" not in text else None
