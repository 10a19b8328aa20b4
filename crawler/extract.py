"""What a crawled HTML page says: title, published date, main text, fields, tables, links.

Pure functions over bytes, so every CMS quirk can be tested on saved pages
without a crawl. Government portals are built from a handful of CMSs (TRS,
Hanweb, EmpireCMS, DedeCMS …); nothing here names one site.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from crawler import cms
from crawler.encoding import decode_html
from parsing.dates import find_dates, last_date, parse_date

# Bump whenever what extract_page or crawler.attachments.extract_attachment reads changes:
# a re-crawl then re-reads unchanged pages from their stored bytes instead of copying
# what an older extractor made of them.
EXTRACTOR_VERSION = 6

CJK = r"\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+")
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{CJK}]) | (?=[{CJK}])")

_BLOCK = frozenset(
    "p div br li ul ol tr table tbody thead h1 h2 h3 h4 h5 h6 section article header footer "
    "dd dt dl blockquote pre hr form nav aside center title option".split()
)
_CELL = frozenset(("td", "th"))
_SKIP = frozenset(("script", "style", "noscript", "template", "iframe", "object", "svg", "select", "textarea"))

# labels of the 信息公开 index table and of article headers (label：value)
FIELD_LABELS = (
    "信息索引号", "索引号", "索取号", "发布机构", "责任部门", "发文机构", "发文机关", "发布机关", "文件编号", "发文单位", "发文部门", "发布部门", "公开机构",
    "发布单位", "发文字号", "发文号", "文号", "成文日期", "成文时间", "发文日期", "印发日期", "发布日期", "发布时间", "公开日期", "公开时间",
    "生成日期", "生效日期", "实施日期", "施行日期", "废止日期", "失效日期", "有效性", "时效性", "时效", "效力状态", "主题分类", "主题词",
    "体裁分类", "组配分类", "服务对象分类", "信息分类", "内容分类", "信息类别", "文件类型",
    "公开方式", "公开范围", "公开形式", "公开时限", "信息来源", "文章来源", "稿件来源", "本文来源于", "本文来源", "来源于", "来源",
    "出处", "作者", "责任编辑",
    "关键词", "信息名称", "标题", "名称", "公告时间", "公告日期", "更新时间", "发稿时间", "上传时间", "日期",
    "时间", "发布", "发布者", "发布人", "编辑", "审核", "录入", "供稿", "所属机构", "所属主题", "文种", "有效性状态", "统一编号", "登记号", "备注", "文章类型",
    "浏览次数", "点击数", "访问量", "字体大小", "字号",
)
# labels that end the previous value but are not worth keeping
_COUNTER_LABELS = frozenset(("浏览次数", "点击数", "访问量", "字体大小", "字号"))
# templates space labels out to align them: 索 引 号：, 标　　题：
_LABELS = "|".join(" ?".join(label) for label in sorted(FIELD_LABELS, key=len, reverse=True))
# a label is a word of its own: 日期 inside 处罚决定日期 is the decision's date, not the page's;
# a quoted one is text about labels (转载时必须注明“文章来源：…网站”), not a field
_LABEL_MARK = re.compile(rf"[【\[]?\s*(?<![\u4e00-\u9fff“‘「『\"'])(?:({_LABELS})\s*[】\]]?\s*[:：]|(发表于))")
# page furniture ends a header value as a label does: 来源：县司法局 【字体：大 中 小】 打印 关闭,
# 来源：教育部 下载 收藏; so does any label of the template's own (来源：… 文章类型：原创)
_FURNITURE = re.compile(
    r"[【\[]?\s*字[体号]\s*[:：]|[|｜]|\s[\u4e00-\u9fff]{2,6}\s*[:：]"
    r"|(?<![\u4e00-\u9fff])(?:打印|关闭|分享|浏览|阅读|下载|收藏|纠错)(?:本页|窗口|到|次数|量|本文|文章)?(?![\u4e00-\u9fff])"
    r"|\ue000"  # _VALUE_END
)
_LABEL_CELL = re.compile(rf"^\s*({_LABELS})\s*[:：]?\s*$")
PUBLISHED_FIELDS = (
    "发布日期", "发布时间", "公开日期", "公开时间", "公告时间", "公告日期", "发稿时间", "发表于", "发布", "更新时间", "上传时间", "日期", "时间",
)
# an article header that opens with the bare date: 「2021年05月20日 10:20　来源：县自然资源局」
_LEADING_DATE = re.compile(r"^\s*(\d{4}\s*(?:年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[-/.]\d{1,2}[-/.]\d{1,2}))")
# the unit a page names as its own, most specific first
SOURCE_LABELS = ("信息来源", "文章来源", "稿件来源", "本文来源于", "本文来源", "来源于", "来源", "出处")
PUBLISHER_FIELDS = ("发布机构", "发文机关", "发文单位", "发布单位", "公开机构", "责任部门", *SOURCE_LABELS)
# a source label as a word of its own, at the end of the text read so far: 「| 来源<span>CSDN</span>」
# writes it without a colon, the element after it being its value
_SOURCE_BEFORE_ELEMENT = re.compile(
    rf"(?:^|[\s|｜（(])(?:{'|'.join(sorted(SOURCE_LABELS, key=len, reverse=True))})(\s*[:：])?\s*$"
)
# a node whose text may hold a source label written without a colon
_BARE_SOURCE = re.compile("|".join(SOURCE_LABELS))
# marks where the element holding a source's value ends (来源: <a>新华社</a> <a>举报</a>): the value ends there
_VALUE_END = "\ue000"
# 发布时间：09-30 (or 9月30日): a date shown without its year
_YEARLESS = re.compile(r"^\s*(\d{1,2})\s*(?:[-/]\s*(\d{2})|月\s*(\d{1,2})\s*日)")
# a meta tag's content that is a date stamp (2019-09-30 22:46:13), not text that mentions one
_META_STAMP = re.compile(r"^\d{4}\s*[-/年]")
# firstpublishedtime="2019-06-1508:18" or "2007-08-20-23:59:59": the time glued to the day
_GLUED_TIME = re.compile(r"^(\d{4}-\d{1,2}-\d{2})-?(\d{1,2}:\d{2})")
SIGNED_FIELDS = ("成文日期", "成文时间", "发文日期")
# meta names (name, property or itemprop) CMSs put the published date in; never a modification date
PUBDATE_META = (
    "pubdate", "publishdate", "publish_date", "publish-date", "publishtime", "pubtime", "firstpublishedtime",
    "article:published_time", "og:article:published_time", "og:release_date", "datepublished", "dc.date.issued",
    "dcterms.issued", "dc.date", "apub:time",
)
# JSON-LD keys of the same (schema.org, Baidu's 熊掌号 cambrian markup)
_LD_PUBLISHED = re.compile(r'"(?:datePublished|pubDate|publishDate)"\s*:\s*"([^"]{8,40})"')
# modification dates, which general-purpose date finders fall back to: not when a page was published
_MODIFIED_MARKUP = re.compile(r"modif|updat|lastmod|revis", re.I)
# a CMS's stamp of when it rebuilt the page: <meta name="others" content="页面生成时间2023-10-23 11:23:36">
_GENERATED_STAMP = re.compile(r"生成(?:时间|日期)")
# a URL or a path written out in the text: /d/file/xxgk/2018-07-06/….xlsx
_PATH_IN_TEXT = re.compile(r"(?:[a-z][a-z0-9+.-]*://|(?<![\w/])/)[\w.~%-]*(?:/[\w.~%-]*)+", re.I)
# labels whose value is a name: a date after the name is the header's date, not part of the name
_NAME_LABELS = frozenset(("作者", "编辑", "责任编辑", "供稿", "录入", "审核", "发布者", "发布人"))
TITLE_META = ("articletitle",)

_CONTENT_HINT = re.compile(
    r"trs_editor|zoom|ucap-content|article|content|zhengwen|\bzw\b|detail|main-?te?xt|\btext\b|wenzhang|xilan",
    re.I,
)
_ENTRY_TAGS = frozenset(("li", "tr", "dl", "p", "dd", "div", "span", "td"))
# 1-10月 and 2019-2020 are not site separators
_TITLE_SPLIT = re.compile(r"\s*(?:[_|｜]|(?<!\d)--?(?!\d)|\s-\s|—+|–)\s*")


@dataclass
class Link:
    url: str
    text: str
    list_date: dt.date | None = None


@dataclass
class Page:
    title: str
    published_on: dt.date | None
    published_source: str | None
    text: str
    encoding: str
    meta: dict[str, str] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)
    tables: list[list[list[str]]] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    pagination: list[str] = field(default_factory=list)
    # a list page that says it has more records than it holds (cms.ListClaim)
    list_claim: cms.ListClaim | None = None


def normalise(text: str) -> str:
    """One line of text as a reader sees it: no runs of spaces, none between Chinese characters.

    Text nodes split across elements join with spaces (``〔 2018 〕 45 号``); Chinese
    puts no spaces between words, so a space touching a CJK character is dropped.
    """
    return _SPACE_NEAR_CJK.sub("", _SPACES.sub(" ", text)).strip()


def normalise_block(text: str) -> str:
    lines = (normalise(line) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def parse_html(html: str) -> lxml.html.HtmlElement:
    # lxml refuses str input that declares an encoding in an XML prolog
    html = re.sub(r"^\s*<\?xml[^>]*\?>", "", html)
    try:
        return lxml.html.document_fromstring(html or "<html></html>")
    except etree.ParserError:
        return lxml.html.document_fromstring("<html></html>")


def extract_page(
    body: bytes | str, url: str, *, header_charset: str | None = None, list_date: dt.date | None = None
) -> Page:
    html, encoding = (body, "utf-8") if isinstance(body, str) else decode_html(body, header_charset)
    root = parse_html(cms.unwrap_list_data(html))
    meta = extract_meta(root)
    links = extract_links(root, url)
    ld_published = _linked_data_date(root)
    _keep_written_text(root)
    # scripts and styles are not text; pagination scripts are read from the source
    etree.strip_elements(root, "script", "style", "noscript", "template", with_tail=False)
    fields, field_origin = extract_fields(root)
    main = main_content(root)
    text = element_text(main) if main is not None else ""
    title = extract_title(root, meta)
    entry_dates = {link.list_date for link in links if link.list_date} if _is_list_page(links) else set()
    published, source = published_date(
        meta, fields, field_origin, list_date, text,
        structured=ld_published, under_title=heading_date(root, title, entry_dates), entry_dates=entry_dates,
    )
    if published is None and not entry_dates:
        published, source = markup_date(html), "markup"
        source = source if published else None
    return Page(
        title=title,
        published_on=published,
        published_source=source,
        text=text,
        encoding=encoding,
        meta=meta,
        fields=fields,
        tables=extract_tables(root),
        links=links,
        pagination=pagination_urls(html, url, links),
        list_claim=cms.list_claim(html, url),
    )


def _keep_written_text(root: lxml.html.HtmlElement) -> None:
    """Put the text inline scripts write in their place, as a browser shows it (来源：<script>…</script>)."""
    for script in root.iter("script"):
        written = None if script.get("src") else cms.written_text(script.text or "")
        if written:
            script.tail = f" {written} {script.tail or ''}"


def element_text(element: lxml.html.HtmlElement) -> str:
    """Visible text with line breaks at block elements, normalised line by line."""
    return normalise_block(_raw_text(element))


def _raw_text(element: lxml.html.HtmlElement, source_breaks: bool = True, inline_gaps: bool = False) -> str:
    """Text with a line break at each block element and, if `source_breaks`, at each newline of the source.

    `inline_gaps` puts a space before an inline element that opens with a label, so that
    ``<span>来源：某局</span><span>发布日期：…</span>`` still shows where one field ends (and
    ``<span>2021</span>-<span>03</span>`` stays one date).
    """
    parts: list[str] = []
    source = (lambda text: text) if source_breaks else (lambda text: text.replace("\n", " "))
    source_values: set[lxml.html.HtmlElement] = set()
    walker = etree.iterwalk(element, events=("start", "end", "comment", "pi"))
    for event, node in walker:
        if event in ("comment", "pi"):
            parts.append(source(node.tail or ""))
            continue
        tag = node.tag
        if event == "start":
            if tag in _SKIP:
                walker.skip_subtree()
                continue
            if tag in _BLOCK or tag in _CELL:
                parts.append("\n" if tag in _BLOCK else " ")
            elif inline_gaps:
                _open_inline(node, parts, source_values)
            parts.append(source(node.text or ""))
            continue
        if node in source_values:
            parts.append(_VALUE_END)
        if tag in _BLOCK:
            parts.append("\n")
        if node is not element:
            parts.append(source(node.tail or ""))
    return "".join(parts)


def _open_inline(node: lxml.html.HtmlElement, parts: list[str], source_values: set) -> None:
    """Mark where an inline element starts a field: a gap before a label, the end of a source's value.

    An element straight after a source label is the label's value (来源：<a>新华社</a>, 来源<span>CSDN</span>),
    so the value ends with it, not with the next element's text (<a>举报</a>, a site name, a location).
    """
    if _LABEL_MARK.match(node.text_content()):
        parts.append(" ")
        return
    before = _text_end(parts)
    label = _SOURCE_BEFORE_ELEMENT.search(before)
    if label and "\n" not in before[label.start() :].strip():
        if not label.group(1):
            parts.append("：")
        source_values.add(node)


def _text_end(parts: list[str], length: int = 16) -> str:
    """The last `length` characters of the text read so far."""
    tail = ""
    for part in reversed(parts):
        tail = part + tail
        if len(tail) >= length:
            break
    return tail[-length:]


def extract_meta(root: lxml.html.HtmlElement) -> dict[str, str]:
    meta: dict[str, str] = {}
    for node in root.iter("meta"):
        name = (node.get("name") or node.get("property") or node.get("itemprop") or "").strip()
        if name and name not in meta:
            meta[name] = normalise(node.get("content") or "")
    return meta


def _meta_value(meta: dict[str, str], names: tuple[str, ...]) -> str:
    lowered = {key.lower(): value for key, value in meta.items()}
    return next((lowered[name] for name in names if lowered.get(name)), "")


def extract_title(root: lxml.html.HtmlElement, meta: dict[str, str]) -> str:
    from_meta = _meta_value(meta, TITLE_META)
    if from_meta:
        # some CMSs put the heading's markup in the meta: <font color=red>…</font>
        return normalise(re.sub(r"<[^>]*>", "", from_meta))
    title_tag = normalise(" ".join(node.text_content() for node in root.iter("title")))
    heading = _article_heading(root, title_tag) or _heading_over_header(root)
    if heading:
        return heading
    segments = [part for part in _TITLE_SPLIT.split(title_tag) if part]
    longest = max(segments, key=len, default="")
    return longest if len(longest) >= 4 else title_tag


def _article_heading(root: lxml.html.HtmlElement, title_tag: str) -> str:
    candidates = []
    for node in root.iter("h1", "h2", "h3", "div", "p", "span", "td", "strong"):
        hint = f"{node.get('class', '')} {node.get('id', '')}".lower()
        if node.tag in ("div", "p", "span", "td", "strong") and "title" not in hint and "biaoti" not in hint:
            continue
        text = normalise(node.text_content())
        if 4 <= len(text) <= 200 and "\n" not in text:
            candidates.append((node, text))
    # the heading the <title> repeats is the article's own, not a site banner
    repeated = [text for _node, text in candidates if title_tag and text in title_tag]
    if repeated:
        return max(repeated, key=len)
    for node, text in candidates:
        if node.tag == "h1" and len(text) >= 6 and not node.xpath("ancestor::a|.//img|ancestor::header|ancestor::nav"):
            return text
    return ""


def _heading_over_header(root: lxml.html.HtmlElement) -> str:
    """A heading of any level whose next element is the article's header line (发布时间：… 来源：…).

    ``<title>新闻动态--中国地理学会官网</title>`` names only the column; the article's own title is
    the ``<h5>`` the date and source stand under.
    """
    for node in root.iter("h1", "h2", "h3", "h4", "h5", "h6"):
        text = normalise(node.text_content())
        following = node.getnext()
        if not 4 <= len(text) <= 200 or following is None or node.xpath("ancestor::a|ancestor::nav"):
            continue
        header = normalise(following.text_content())[:160]
        if _LABEL_MARK.search(header) and any(match.has_year for match in find_dates(header)):
            return text
    return ""


def extract_fields(root: lxml.html.HtmlElement) -> tuple[dict[str, str], dict[str, str]]:
    """Index-table and article-header fields, and where each came from ("index" or "header")."""
    fields: dict[str, str] = {}
    origin: dict[str, str] = {}

    def keep(label: str, value: str, node: lxml.html.HtmlElement, origin_name: str | None = None) -> None:
        value = value.strip(" ：:|【】[]")
        if value and label not in fields and label not in _COUNTER_LABELS and not _LABEL_MARK.search(value):
            fields[label] = value[:200]
            origin[label] = origin_name or ("index" if node.xpath("ancestor-or-self::td|ancestor-or-self::th") else "header")

    for table in root.iter("table"):
        for label, value, node in _column_pairs(table):
            keep(label, value, node)
    for row in root.iter("tr"):
        cells = [cell for cell in row if cell.tag in _CELL]
        texts = [normalise(cell.text_content()) for cell in cells]
        for index, (label_text, value) in enumerate(zip(texts, texts[1:])):
            match = _LABEL_CELL.match(label_text)
            if match and not _LABEL_CELL.match(value):
                keep(match.group(1), value, cells[index])
    body = root.find("body")
    for label, value, node in _element_pairs(body if body is not None else root):
        keep(label, value, node)
    for node, line in _header_lines(body if body is not None else root):
        for label, value in _label_values(line):
            keep(label, value, node)
        date = _LEADING_DATE.match(line)
        if date and len(line) <= 160 and _LABEL_MARK.search(line):
            # unlabelled: a header's date, or a signature line in the body (2005年8月25日（来源：…）)
            keep("发布时间", date.group(1), node, "line")
    return fields, origin


def _cell_label(cell: lxml.html.HtmlElement) -> str | None:
    match = _LABEL_CELL.match(normalise(cell.text_content()))
    return match.group(1) if match else None


def _column_pairs(table: lxml.html.HtmlElement):
    """An index table laid out as columns: a row of labels, then the row of their values.

    Only one row of values: under a row of labels, several rows are a catalogue of other
    documents (索引号 | 信息名称 | 发布日期 …), none of them this page's.
    """
    # the table's own rows, wherever templates nest them (<tbody><thead><tr> is real markup)
    own_rows = [row for row in table.iter("tr") if next(row.iterancestors("table"), None) is table]
    rows = [[cell for cell in row if cell.tag in _CELL] for row in own_rows]
    for index, header in enumerate(rows[:-1]):
        labels = [_cell_label(cell) for cell in header]
        values = rows[index + 1]
        following = rows[index + 2] if index + 2 < len(rows) else []
        if len(header) < 2 or not all(labels) or len(values) != len(header) or any(map(_cell_label, values)):
            continue
        if following and not all(map(_cell_label, following)):
            continue
        for label, cell in zip(labels, values):
            yield label, normalise(cell.text_content()), cell


# elements that hold a row of label/value pairs, and the labels and values inside them
_PAIR_ROWS = ("dl", "li", "p", "div", "span", "td", "dd", "tr")
_SENTENCE_END = re.compile(r"[。；;！？]")


def _element_pairs(body: lxml.html.HtmlElement):
    """Labels and values in elements of their own, without a colon between them in one line.

    ``<dt>索引号</dt><dd>…</dd>``, ``<li><label>发布机构</label><span>…</span></li>``: a row
    whose children alternate label, value and hold nothing else. A lone label beside other
    content is not such a row, so an empty 信息来源 never takes the next paragraph.
    """
    for row in body.iter(*_PAIR_ROWS):
        children = [child for child in row if isinstance(child.tag, str) and child.tag not in _SKIP and child.tag != "br"]
        if len(children) < 2 or len(children) % 2 or _loose_text(row, children):
            continue
        labels = [_cell_label(child) for child in children[0::2]]
        if not all(labels):
            continue
        for label, value in zip(labels, children[1::2]):
            text = element_text(value)
            if "\n" not in text and not _SENTENCE_END.search(text) and not _cell_label(value):
                yield label, text, value


def _loose_text(row: lxml.html.HtmlElement, children: list[lxml.html.HtmlElement]) -> bool:
    """Text of `row` outside its child elements, beyond colons and spaces."""
    loose = (row.text or "") + "".join(child.tail or "" for child in children)
    return bool(_SPACES.sub("", loose).strip(" \n:："))


def _header_lines(body: lxml.html.HtmlElement):
    """Short lines that carry a label, each with the outermost element that holds it whole.

    Lines are read before spaces are dropped, so 「本站原创　作者：」 still shows where the
    label starts; a line break (a block element) ends every value on it.
    """
    seen: set[str] = set()
    for node in body.iter():
        if not isinstance(node.tag, str) or node.tag in _SKIP:
            continue
        content = node.text_content()
        if len(_SPACES.sub("", content)) > 300:
            continue
        content = _SPACES.sub(" ", content)
        if not (_LABEL_MARK.search(content) or _BARE_SOURCE.search(content)):
            continue
        for raw in _raw_text(node, source_breaks=False, inline_gaps=True).split("\n"):
            line = _SPACES.sub(" ", raw).strip()
            if line and line not in seen and _LABEL_MARK.search(line):
                seen.add(line)
                yield node, line


def _label_values(line: str) -> list[tuple[str, str]]:
    marks = list(_LABEL_MARK.finditer(line))
    values = []
    for i, mark in enumerate(marks):
        value = line[mark.end() : marks[i + 1].start() if i + 1 < len(marks) else len(line)]
        furniture = _FURNITURE.search(value)
        label = (mark.group(1) or mark.group(2)).replace(" ", "")
        value = _before_unopened_bracket(value[: furniture.start()] if furniture else value)
        if label in _NAME_LABELS or label in PUBLISHER_FIELDS:
            date = next((match for match in find_dates(value) if match.has_year and match.start > 0), None)
            if date:
                values.append(("发布时间", date.raw))
                value = value[: date.start]
        values.append((label, normalise(value)))
    return values


def _before_unopened_bracket(value: str) -> str:
    """A field written inside brackets ends at the bracket that closes them: 2005年8月25日（来源：上海证券报）."""
    depth = 0
    for index, char in enumerate(value):
        if char in "（(":
            depth += 1
        elif char in "）)":
            if not depth:
                return value[:index]
            depth -= 1
    return value


def publisher(fields: dict[str, str]) -> str | None:
    """The unit the page credits itself to (发布机构, or else its 来源)."""
    return next((fields[label] for label in PUBLISHER_FIELDS if fields.get(label)), None)


def published_date(
    meta: dict[str, str],
    fields: dict[str, str],
    origin: dict[str, str],
    list_date: dt.date | None,
    text: str,
    *,
    structured: dt.date | None = None,
    under_title: dt.date | None = None,
    entry_dates: set[dt.date] | frozenset[dt.date] = frozenset(),
) -> tuple[dt.date | None, str | None]:
    """The published date in CHECKS.md's order, and which source gave it.

    `entry_dates` are the dates of a list page's entries: on a list, an unlabelled date the
    page's text shows is an entry's, never the list's own.
    """
    stamped = parse_date(_GLUED_TIME.sub(r"\1 \2", _meta_value(meta, PUBDATE_META))) or structured
    if stamped:
        # CMSs restamp PubDate whenever they regenerate a page (UCAP writes 页面生成时间 beside it), so a
        # later stamp is the page's rebuild and an earlier date the page labels as its own, its publication
        shown, shown_source = _shown_date(fields, origin, under_title, ("index", "header"))
        return (shown, shown_source) if shown and shown < stamped else (stamped, "meta")
    shown, shown_source = _shown_date(fields, origin, under_title, ("index", "header", "line"))
    if shown:
        return shown, shown_source
    yearless = _yearless_shown_date(fields, meta)
    if yearless:
        return yearless, "header"
    if list_date:
        return list_date, "list"
    for label in SIGNED_FIELDS:
        value = parse_date(fields.get(label, ""))
        if value:
            return value, "signature"
    value = signature_date(text)
    return (value, "signature") if value and value not in entry_dates else (None, None)


def _shown_date(
    fields: dict[str, str],
    origin: dict[str, str],
    under_title: dt.date | None,
    origins: tuple[str, ...],
) -> tuple[dt.date | None, str | None]:
    """The published date the page shows a reader: in its index table, on a header line, or under its title.

    `origins` in order of trust: the index table is filled in by the publisher, a labelled header
    line is the template's, a date that only opens a line ("line") may be a signature in the body.
    """
    for wanted in origins:
        for label in PUBLISHED_FIELDS:
            value = parse_date(fields.get(label, "")) if origin.get(label) == wanted else None
            if value:
                return value, "index" if wanted == "index" else "header"
    if under_title:
        # heading_date has told the header's date from an entry's
        return under_title, "header"
    return None, None


def _yearless_shown_date(fields: dict[str, str], meta: dict[str, str]) -> dt.date | None:
    """A labelled date shown without its year (发布时间：09-30, as news sites show this year's items).

    Its year is the one a date stamp in the page's meta tags gives the same month and day; with
    none, the page does not say which year, and no date beats a guessed one.
    """
    for label in PUBLISHED_FIELDS:
        shown = _YEARLESS.match(fields.get(label, ""))
        if shown is None:
            continue
        month, day = int(shown.group(1)), int(shown.group(2) or shown.group(3))
        stamps = (parse_date(value) for value in meta.values() if _META_STAMP.match(value))
        return next((stamp for stamp in stamps if stamp and (stamp.month, stamp.day) == (month, day)), None)
    return None


def _linked_data_date(root: lxml.html.HtmlElement) -> dt.date | None:
    """The published date a JSON-LD block states (read before scripts are dropped)."""
    for script in root.xpath("//script[contains(@type, 'ld+json')]"):
        found = _LD_PUBLISHED.search(script.text or "")
        value = parse_date(found.group(1).replace("T", " ")) if found else None
        if value:
            return value
    return None


def heading_date(
    root: lxml.html.HtmlElement, title: str, entry_dates: set[dt.date] | frozenset[dt.date] = frozenset()
) -> dt.date | None:
    """An unlabelled date opening the line just under the article's heading.

    ``<h2>标题</h2><h6><a class="post-date">2019年09月11日</a> 富达传媒 时政新闻</h6>``: the
    header of the article, which a reader takes for its date as readily as a labelled one.
    On a page of dated entries (`entry_dates`) a line that carries an entry's link is that
    entry's; one without a link stays the header's, even when an entry of the same day is listed.
    """
    if len(title) < 4:
        return None
    for heading in root.iter("h1", "h2", "h3", "h4", "h5", "h6", "div", "p", "td", "span", "strong"):
        if normalise(heading.text_content()) != title:
            continue
        container = heading.getparent()
        for _level in range(3):
            if container is None:
                return None
            line = _line_after(container, title)
            if line is not None:
                date = None if _links_elsewhere(container, line) else _leading_date(line)
                return None if date in entry_dates and _links_within(container, line) else date
            container = container.getparent()
        return None
    return None


def _line_after(container: lxml.html.HtmlElement, title: str) -> str | None:
    """The line after the title's, the title possibly broken over lines (``举行 <br>现场发布…``)."""
    lines = [line for line in normalise_block(_raw_text(container, source_breaks=False)).split("\n") if line]
    for start in range(len(lines)):
        joined = ""
        for end in range(start, len(lines)):
            joined = normalise(f"{joined} {lines[end]}")
            if joined == title:
                return lines[end + 1] if end + 1 < len(lines) else None
            if not title.startswith(joined):
                break
    return None


def _links_elsewhere(container: lxml.html.HtmlElement, line: str) -> bool:
    """The line opens with a link to another page: a list entry's date, not the header's."""
    for anchor in container.iter("a"):
        text = normalise(anchor.text_content())
        if anchor.get("href") and len(text) >= 6 and line.startswith(text[:6]):
            return True
    return False


def _links_within(container: lxml.html.HtmlElement, line: str) -> bool:
    """The line holds a link's title (2018-07-23 <a>某通知</a>), a date being no title."""
    for anchor in container.iter("a"):
        text = normalise(anchor.text_content())
        if anchor.get("href") and len(text) >= 6 and text in line and not _LEADING_DATE.match(text):
            return True
    return False


def _leading_date(line: str) -> dt.date | None:
    found = _LEADING_DATE.match(line)
    if found is None or len(line) > 80:
        return None
    return parse_date(found.group(1))


def _is_list_page(links: list[Link]) -> bool:
    """A page of dated entries: its dates are its entries', none of them its own."""
    return sum(1 for link in links if link.list_date) >= 3


def markup_date(html: str) -> dt.date | None:
    """The date general-purpose markup gives (time elements, JSON-LD, date classes), read by htmldate.

    Only markup, never a scan of the text: a date in the body or a footer is not the page's,
    a link's date is the linked entry's, a script's data ("time":"…") is no date the page shows,
    a stamp of when the page was generated (页面生成时间) is no publication, and a date inside a
    path (a 404 page naming the missing file) names a folder.
    """
    from htmldate import find_date

    root = parse_html(html)
    for anchor in list(root.iter("a")):
        anchor.drop_tree()
    for script in root.xpath("//script[not(contains(@type, 'ld+json'))]"):
        script.drop_tree()
    for node in root.xpath("//meta|//*[@itemprop]"):
        names = " ".join(node.get(key) or "" for key in ("name", "property", "itemprop", "http-equiv"))
        if _MODIFIED_MARKUP.search(names) or _GENERATED_STAMP.search(node.get("content") or ""):
            node.drop_tree()
    for node in root.iter():
        node.text = _PATH_IN_TEXT.sub(" ", node.text) if node.text else node.text
        node.tail = _PATH_IN_TEXT.sub(" ", node.tail) if node.tail else node.tail
    found = find_date(root, extensive_search=False, original_date=True, outputformat="%Y-%m-%d")
    return dt.date.fromisoformat(found) if found else None


def signature_date(text: str) -> dt.date | None:
    """The 落款 date closing a document: a line of its own among the last ones, under the issuing body.

    Signatures are written 年月日, never as 2021-04-09; a date inside a sentence
    (2021年3月5日，县政府召开…) is what the text tells, not when it was signed.
    """
    lines = [line for line in text.split("\n") if line.strip()][-_SIGNATURE_LINES:]
    for index in range(len(lines) - 1, -1, -1):
        found = [match for match in find_dates(lines[index]) if match.has_year and "年" in match.raw]
        if len(found) != 1:
            continue
        date = found[0]
        before, after = lines[index][: date.start].strip(), lines[index][date.end :].strip()
        issuer = before or (lines[index - 1].strip() if index else "")
        if not after.strip("()（）") and _names_an_issuer(issuer) and last_date(lines[index]) == date.value:
            return date.value
    return None


_SIGNATURE_LINES = 8
_SENTENCE_PUNCTUATION = re.compile(r"[。，,；;：:！？!?]")


def _names_an_issuer(line: str) -> bool:
    """A line that can be the issuing body's name: short, and not a sentence."""
    return 2 <= len(line) <= 40 and not _SENTENCE_PUNCTUATION.search(line)


def main_content(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """The article body: the richest content-like container, narrowed to its core."""
    body = root.find("body")
    if body is None:
        return root
    candidates = [
        node
        for node in body.iter("div", "td", "article", "section", "span", "founder-content")
        if _CONTENT_HINT.search(f"{node.get('class', '')} {node.get('id', '')}")
    ]
    scored = {node: _own_text_length(node) for node in candidates}
    scored = {node: score for node, score in scored.items() if score >= 20}
    if not scored:
        parent = _paragraph_parent(body)
        return parent if parent is not None else body
    best = max(scored, key=scored.get)
    while True:
        inner = [node for node in scored if node is not best and _is_descendant(node, best)]
        narrower = [node for node in inner if scored[node] >= 0.6 * scored[best]]
        if not narrower:
            return best
        best = max(narrower, key=scored.get)


def _own_text_length(node: lxml.html.HtmlElement) -> int:
    """Length of text outside links: navigation is mostly links, articles mostly not."""
    total = len(_SPACES.sub("", node.text_content()))
    linked = sum(len(_SPACES.sub("", link.text_content())) for link in node.iter("a"))
    return total - linked


def _is_descendant(node: lxml.html.HtmlElement, ancestor: lxml.html.HtmlElement) -> bool:
    parent = node.getparent()
    while parent is not None:
        if parent is ancestor:
            return True
        parent = parent.getparent()
    return False


def _paragraph_parent(body: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    weights: dict[lxml.html.HtmlElement, int] = {}
    for paragraph in body.iter("p"):
        parent = paragraph.getparent()
        if parent is not None:
            weights[parent] = weights.get(parent, 0) + len(paragraph.text_content().strip())
    return max(weights, key=weights.get) if weights else None


def extract_tables(root: lxml.html.HtmlElement) -> list[list[list[str]]]:
    """Innermost tables with at least two rows, as rows of cell text (layout tables hold tables).

    Merged cells are spread over the rows and columns they cover, so that a value stands under
    its header; a table repeated further down the page (a print copy) is kept once.
    """
    tables: list[list[list[str]]] = []
    for table in root.iter("table"):
        if table.find(".//table") is not None:
            continue
        rows = [row for row in _grid(table) if any(row)]
        if len(rows) >= 2 and rows not in tables:
            tables.append(rows)
    return tables


def _grid(table: lxml.html.HtmlElement) -> list[list[str]]:
    pending: dict[int, tuple[str, int]] = {}  # column → (text, rows it still covers)
    grid = []
    for row in table.iter("tr"):
        cells, column = [], 0
        for cell in (cell for cell in row if cell.tag in _CELL):
            column = _fill_pending(cells, pending, column)
            text = normalise(element_text(cell).replace("\n", " "))[:1000]
            down = _span(cell, "rowspan")
            for _ in range(_span(cell, "colspan")):
                if down > 1:
                    pending[column] = (text, down - 1)
                cells.append(text)
                column += 1
        _fill_pending(cells, pending, column, to_end=True)
        grid.append(cells)
    return grid


def _fill_pending(cells: list[str], pending: dict, column: int, to_end: bool = False) -> int:
    while column in pending or (to_end and any(c >= column for c in pending)):
        if column in pending:
            text, left = pending.pop(column)
            if left > 1:
                pending[column] = (text, left - 1)
        else:
            text = ""
        cells.append(text)
        column += 1
    return column


def _span(cell: lxml.html.HtmlElement, name: str) -> int:
    # real pages write rowspan="2 ", rowspan="0" or rowspan="9999"; a span over 100 is a typo
    digits = "".join(ch for ch in (cell.get(name) or "") if ch.isdigit())
    return min(max(int(digits or 1), 1), 100)


def extract_links(root: lxml.html.HtmlElement, url: str) -> list[Link]:
    """Links as a reader follows them: anchors, script handlers, and document.write markup."""
    base = urljoin(url, (root.xpath("string(//base/@href)") or "").strip())
    links = _anchor_links(root, base)
    for fragment in cms.document_write_fragments(root):
        links += [link for link in _anchor_links(fragment, base) if cms.looks_like_url(link.url)]
    known = {link.url for link in links}
    for node, target in cms.script_link_elements(root):
        link = Link(urljoin(base, target), _link_text(node), _script_entry_date(node))
        if link.url not in known:
            known.add(link.url)
            links.append(link)
    return links


def _anchor_links(root: lxml.html.HtmlElement, base: str) -> list[Link]:
    links = []
    for anchor in root.iter("a", "area"):
        href = (anchor.get("href") or "").strip()
        if not href or href.lower().startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
            continue
        links.append(Link(urljoin(base, href), _link_text(anchor), _entry_date(anchor)))
    return links


def _link_text(node: lxml.html.HtmlElement) -> str:
    return (normalise(node.text_content()) or normalise(node.get("title") or ""))[:300]


def _script_entry_date(node: lxml.html.HtmlElement) -> dt.date | None:
    """A clickable list entry (``<li onclick=…>title<span>date</span></li>``) holds its own date."""
    if node.tag in _ENTRY_TAGS and sum(1 for _ in node.iter("a")) <= 1:
        dates = [match.value for match in find_dates(normalise(node.text_content())) if match.has_year]
        if dates:
            return dates[-1]
    return _entry_date(node)


def _entry_date(anchor: lxml.html.HtmlElement) -> dt.date | None:
    """The date printed beside a link in a list entry (``<li><a>…</a><span>2021-04-09</span></li>``)."""
    node = anchor
    for _level in range(3):
        node = node.getparent()
        if node is None or node.tag not in _ENTRY_TAGS:
            return None
        if sum(1 for _ in node.iter("a")) > 1:
            return None
        text = normalise(node.text_content().replace(anchor.text_content(), " ", 1))
        dates = [match.value for match in find_dates(text) if match.has_year]
        if dates:
            return dates[0]
    return None


_TRS_PAGER = re.compile(r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,\s*['\"]([\w.-]+)['\"]\s*,\s*['\"](\w+)['\"]")
_COUNT_PAGE = re.compile(r"\b(?:var\s+)?(?:countPage|pageCount|totalPage|totalPages|page_count|maxPage)\s*[=:]\s*['\"]?(\d+)", re.I)
_PREFIX = re.compile(r"\bprefixName\s*=\s*['\"]([\w.-]+)['\"]", re.I)
_SUFFIX = re.compile(r"\bsuffixName\s*=\s*['\"](\w+)['\"]", re.I)
_TOTAL_PAGES_TEXT = re.compile(r"共\s*(\d{1,4})\s*页")
_PAGE_PARAM = re.compile(r"([?&](?:page|pageNo|pageno|pageIndex|pageindex|curPage|currentPage|pn|p)=)(\d{1,4})(?=&|$)")
MAX_LIST_PAGES = cms.MAX_LIST_PAGES


def pagination_urls(html: str, url: str, links: list[Link]) -> list[str]:
    """List pages a script or a page counter announces but no link reaches."""
    found: list[str] = []
    trs = _TRS_PAGER.search(html)
    if trs:
        count, prefix, suffix = int(trs.group(1)), trs.group(3), trs.group(4)
        found += [urljoin(url, f"{prefix}_{index}.{suffix}") for index in range(1, min(count, MAX_LIST_PAGES))]
    else:
        count_match = _COUNT_PAGE.search(html)
        prefix, suffix = _PREFIX.search(html), _SUFFIX.search(html)
        if count_match and prefix and suffix:
            count = int(count_match.group(1))
            found += [
                urljoin(url, f"{prefix.group(1)}_{index}.{suffix.group(1)}") for index in range(1, min(count, MAX_LIST_PAGES))
            ]
    found += _query_pages(html, url, links)
    found += cms.numbered_pages(url, [(link.url, link.text) for link in links])
    found += cms.hanweb_proxy_pages(html, url)
    found += cms.search_answer_pages(html, url)
    claim = cms.list_claim(html, url)
    if claim is not None and claim.api:
        found.append(claim.api)
    return list(dict.fromkeys(found))


def _query_pages(html: str, url: str, links: list[Link]) -> list[str]:
    total_match = _TOTAL_PAGES_TEXT.search(html) or _COUNT_PAGE.search(html)
    if not total_match:
        return []
    total = min(int(total_match.group(1)), MAX_LIST_PAGES)
    for link in [Link(url, ""), *links]:
        page = _PAGE_PARAM.search(link.url)
        if page and link.url.split("?")[0] == url.split("?")[0]:
            template = link.url
            return [_PAGE_PARAM.sub(lambda m, n=n: f"{m.group(1)}{n}", template, count=1) for n in range(1, total + 1)]
    return []
