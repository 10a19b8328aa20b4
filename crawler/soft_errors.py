"""Soft errors (CHECKS.md, "fetch error"): an HTTP 200 answer that is not the page.

An empty body, a body cut short, a maintenance, error or "page not found" page,
a login page or a JavaScript/WAF challenge served with 200 says nothing about what
the site publishes. Stored as a document it would read as "nothing published
here"; it is a fetch error instead, with the reason an operator reads.

Real pages mention 维护, 登录 or 验证 too (an announcement of planned maintenance,
a portal's login box), so the words only count on pages that are short and have
almost no navigation: a CMS article or list page always carries its site's menus.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from crawler.extract import Page

# an error, maintenance or challenge page says one or two sentences
SHORT_PAGE_CHARS = 300
# a page of the site's own template links its menus; a bare error page hardly links at all
FEW_LINKS = 5
# a body without its closing tags and this much shorter than announced or than last night was cut off
CUT_SHORT_SHARE = 0.8

_SPACES = re.compile(r"\s+")
_OPENED = re.compile(rb"<(?:html|body)[\s>]", re.I)
_CLOSED = re.compile(rb"</(?:html|body)\s*>", re.I)
_PASSWORD_INPUT = re.compile(rb"""<input[^>]+type\s*=\s*["']?password""", re.I)
# a page that only sends the reader elsewhere (a frame, a script going to a named page) is a
# doorway, not an empty answer; a challenge reloads itself (location.href = location.href)
_DOORWAY = re.compile(rb"""<i?frame[^>]+src|location(?:\.href)?\s*=\s*["']|location\.(?:replace|assign)\s*\(\s*["']""", re.I)

_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("网站维护页面", re.compile(r"系统维护|网站维护|维护中|升级维护|系统升级|正在升级|暂停访问|暂停服务|临时关闭")),
    (
        "“页面不存在”页面",
        re.compile(
            r"页面不存在|页面未找到|找不到(?:该|您要访问的|您访问的)?页面|网页不存在|您访问的页面|"
            r"信息不存在|文章不存在|内容不存在|已被删除|404\s*Not\s*Found|404\s*错误|错误\s*404|^\s*404\s*$",
            re.I,
        ),
    ),
    (
        "错误页面",
        re.compile(
            r"访问出错|出错了|发生错误|系统错误|服务器错误|服务器繁忙|服务不可用|访问过于频繁|请求过于频繁|数据库(?:连接)?错误|"
            r"数据库连接失败|Service\s*Unavailable|Internal\s*Server\s*Error|Bad\s*Gateway|Gateway\s*Time-?out|Runtime\s*Error",
            re.I,
        ),
    ),
)
_LOGIN = re.compile(r"登录|登陆|统一身份认证|用户认证")
_CHALLENGE_TEXT = re.compile(
    r"安全验证|人机验证|滑动验证|访问验证|正在验证|浏览器安全检查|请(?:开启|启用|打开)\s*JavaScript|enable\s+JavaScript|"
    r"enable\s+cookies|网站防火墙|云防护|创宇盾|安全狗|访问被拦截|已被拦截",
    re.I,
)
_CHALLENGE_MARKS = re.compile(rb"__jsl_clearance|jsl_clearance_s|challenge-platform|cf-browser-verification|cf_chl_|yunsuo_session|safedog|_waf_", re.I)


def soft_error(
    body: bytes, page: Page, *, declared_length: int | None = None, previous_length: Callable[[], int | None] | None = None
) -> str | None:
    """Why a 200 answer is not the page, in Chinese, or None when it is the page."""
    if not body.strip():
        return "空白页面（HTTP 200，无内容）"
    if _cut_short(body, declared_length, previous_length):
        return f"页面不完整（HTML 未结束，只收到 {len(body)} 字节），疑似传输中断"
    text = _SPACES.sub("", f"{page.title} {page.text}")
    short = len(text) <= SHORT_PAGE_CHARS and len(page.links) <= FEW_LINKS
    if short and (_CHALLENGE_MARKS.search(body) or _CHALLENGE_TEXT.search(text)):
        return "JavaScript 或防火墙验证页面，不是网页内容"
    if short and _PASSWORD_INPUT.search(body) and _LOGIN.search(text):
        return "登录页面，不是网页内容"
    if short:
        for label, words in _KINDS:
            found = words.search(page.title) or words.search(page.text)
            if found:
                return f"{label}（HTTP 200）：“{_quote(found)}”"
    if not text and not page.links and not _DOORWAY.search(body):
        # not a word to read, not a link to follow (a page of one short heading is still a page)
        return "空白页面（HTTP 200，没有任何文字和链接）"
    return None


def _cut_short(body: bytes, declared_length: int | None, previous_length: Callable[[], int | None] | None) -> bool:
    """HTML opened but never closed, and ending mid-content or shorter than announced or than last night.
    A site that never writes </html> ends its pages with a tag and keeps their size."""
    if not _OPENED.search(body[:4096]) or _CLOSED.search(body):
        return False
    if not body.rstrip().endswith(b">"):
        return True
    if declared_length and len(body) < CUT_SHORT_SHARE * declared_length:
        return True
    before = previous_length() if previous_length else None
    return bool(before) and len(body) < CUT_SHORT_SHARE * before


def _quote(found: re.Match[str]) -> str:
    source = " ".join(found.string.split())
    if len(source) <= 40:
        return source
    return " ".join(found.string[max(0, found.start() - 10) : found.end() + 20].split())
