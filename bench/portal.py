"""A synthetic county portal for the benchmark: TRS-style sections, pagination, GBK sections, attachments.

Pages are generated from their path (deterministic), attachments are made once
up front; everything is served by crawler.siteserver on 127.0.0.1.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import math
import re

import docx
import openpyxl

from crawler.siteserver import Reply
from crawler.testing import minimal_pdf

SECTIONS = 20
PER_LIST = 20
GBK_SECTIONS = {3, 8, 13, 18}  # GB2312 pages, declared only in <meta> or not at all
SCRIPT_ONLY_SECTIONS = {5, 15}  # pagination only through createPageHTML, as on TRS sites
ATTACHMENT_TYPES = ("pdf", "docx", "xlsx", "txt")
NAMES = ("政府信息公开", "通知公告", "政策文件", "行政执法公示", "权责清单", "重大行政决策", "财政预决算", "人事信息",
         "建议提案办理", "政策解读", "双随机一公开", "行政许可", "行政处罚", "政务诚信", "法治政府建设", "公共服务",
         "应急管理", "统计信息", "征求意见", "机构职能")
PARAGRAPH = ("为深入贯彻落实党中央、国务院关于法治政府建设的决策部署，进一步规范行政权力运行，"
             "推进政务公开标准化规范化，现将有关事项通知如下。各单位要高度重视，明确责任分工，"
             "确保各项工作任务落到实处，接受社会监督。")


class SyntheticPortal:
    def __init__(self, pages: int = 20000, attachments: int | None = None):
        self.articles_per_section = max(1, int((pages - 1) / SECTIONS * PER_LIST / (PER_LIST + 1)))
        self.lists_per_section = math.ceil(self.articles_per_section / PER_LIST)
        total_articles = self.articles_per_section * SECTIONS
        self.attachment_count = min(total_articles, attachments if attachments is not None else pages // 10)
        self.attachment_every = max(1, total_articles // max(1, self.attachment_count))
        self.files: dict[str, Reply] = {}
        self._make_attachments()
        self.routes = self._render()

    @property
    def page_count(self) -> int:
        return 1 + SECTIONS * (self.articles_per_section + self.lists_per_section)

    def _render(self) -> dict[str, Reply]:
        """Every page rendered up front, so the server measures the crawler and not itself."""
        paths = ["/"] + [f"/s{k}/index.html" for k in range(SECTIONS)]
        paths += [f"/s{k}/index_{p}.html" for k in range(SECTIONS) for p in range(1, self.lists_per_section)]
        paths += [self._article_path(k, n) for k in range(SECTIONS) for n in range(self.articles_per_section)]
        routes = {path: self.reply(path) for path in paths} | self.files
        for reply in routes.values():
            reply.etag = '"' + hashlib.sha1(reply.body).hexdigest()[:16] + '"'
        return routes

    def reply(self, path: str) -> Reply | None:
        if path == "/":
            return self._html(self._home(), False)
        if path in self.files:
            return self.files[path]
        match = re.fullmatch(r"/s(\d+)/index(?:_(\d+))?\.html", path)
        if match:
            section, page = int(match.group(1)), int(match.group(2) or 0)
            if section < SECTIONS and page < self.lists_per_section:
                return self._html(self._list(section, page), section in GBK_SECTIONS)
        match = re.fullmatch(r"/s(\d+)/\d{6}/t\d{8}_(\d+)\.html", path)
        if match:
            section, number = int(match.group(1)), int(match.group(2))
            if section < SECTIONS and number < self.articles_per_section:
                return self._html(self._article(section, number), section in GBK_SECTIONS)
        return None

    # ---- content ------------------------------------------------------------

    def _date(self, section: int, number: int) -> dt.date:
        return dt.date(2021, 9, 30) - dt.timedelta(days=(number * 3 + section) % 1500)

    def _article_path(self, section: int, number: int) -> str:
        day = self._date(section, number)
        return f"/s{section}/{day:%Y%m}/t{day:%Y%m%d}_{number}.html"

    def _global(self, section: int, number: int) -> int:
        return section * self.articles_per_section + number

    def _attachment_path(self, section: int, number: int) -> str | None:
        index = self._global(section, number)
        if index % self.attachment_every or index // self.attachment_every >= self.attachment_count:
            return None
        kind = ATTACHMENT_TYPES[(index // self.attachment_every) % len(ATTACHMENT_TYPES)]
        return f"/s{section}/files/P{index}.{kind}"

    def _nav(self) -> str:
        return "".join(f'<li><a href="/s{k}/index.html">{NAMES[k]}</a></li>' for k in range(SECTIONS))

    def _page(self, title: str, body: str, gbk: bool, head: str = "") -> str:
        charset = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">' if gbk else '<meta charset="utf-8">'
        return (f"<!DOCTYPE html><html><head>{charset}<title>{title}_示范县人民政府</title>{head}</head><body>"
                f'<div class="header"><a href="/">首页</a><ul class="nav">{self._nav()}</ul></div>'
                f"{body}<div class='footer'>示范县人民政府办公室主办 网站标识码4100000001</div></body></html>")

    def _home(self) -> str:
        latest = "".join(
            f'<li><a href="{self._article_path(k, 0)}">{NAMES[k]}最新信息</a><span>{self._date(k, 0)}</span></li>' for k in range(SECTIONS)
        )
        return self._page("首页", f"<ul class='latest'>{latest}</ul>", False)

    def _listed(self, section: int) -> list[int]:
        """The numbers of the section's articles in list order, newest first."""
        return list(range(self.articles_per_section))

    def _list(self, section: int, page: int) -> str:
        numbers = self._listed(section)[page * PER_LIST:(page + 1) * PER_LIST]
        entries = "".join(
            f'<li><a href="{self._article_path(section, n)}" target="_blank">{NAMES[section]}第{n}号文件</a>'
            f"<span>{self._date(section, n)}</span></li>"
            for n in numbers
        )
        pager = f'<script>createPageHTML({self.lists_per_section}, {page}, "index", "html");</script>'
        if section not in SCRIPT_ONLY_SECTIONS and page + 1 < self.lists_per_section:
            pager += f'<a href="index_{page + 1}.html">下一页</a>'
        return self._page(NAMES[section], f"<div class='list'><ul>{entries}</ul>{pager}</div>", section in GBK_SECTIONS)

    def _article(self, section: int, number: int) -> str:
        day = self._date(section, number)
        title = f"示范县{NAMES[section]}第{number}号文件"
        attachment = self._attachment_path(section, number)
        link = f'<p>附件：<a href="{attachment}">{title}附件</a></p>' if attachment else ""
        head = (f'<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="{day} 09:00">'
                f'<meta name="ContentSource" content="示范县{NAMES[section]}办公室">')
        table = (f"<table class='xxgk'><tr><td>索引号：</td><td>11410000-{number:06d}</td><td>发布机构：</td><td>示范县人民政府</td></tr>"
                 f"<tr><td>发文日期：</td><td>{day:%Y年%m月%d日}</td><td>文号：</td><td>示政〔{day.year}〕{number}号</td></tr></table>")
        body = "".join(f"<p>{PARAGRAPH}</p>" for _ in range(4))
        signature = f"<p>示范县人民政府</p><p>{day.year}年{day.month}月{day.day}日</p>"
        return self._page(title, f"{table}<h1>{title}</h1><div class='TRS_Editor'>{body}{link}{signature}</div>", section in GBK_SECTIONS, head)

    def _html(self, text: str, gbk: bool) -> Reply:
        # GBK sections send no charset in the header, like many county servers
        return Reply(text.encode("gbk" if gbk else "utf-8"), content_type="text/html" if gbk else "text/html; charset=utf-8")

    # ---- attachments ------------------------------------------------------------

    def _make_attachments(self) -> None:
        for section in range(SECTIONS):
            for number in range(self.articles_per_section):
                path = self._attachment_path(section, number)
                if path:
                    self.files[path] = _attachment(path.rsplit(".", 1)[-1], f"示范县{NAMES[section]}第{number}号文件附件")


def _attachment(kind: str, title: str) -> Reply:
    if kind == "pdf":
        return Reply(minimal_pdf([title, "事项名称 法律依据 实施主体"]), content_type="application/pdf")
    if kind == "txt":
        return Reply(f"{title}\n事项名称 法律依据".encode("gbk"), content_type="text/plain")
    buffer = io.BytesIO()
    if kind == "docx":
        document = docx.Document()
        document.add_paragraph(title)
        document.save(buffer)
        return Reply(buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    workbook = openpyxl.Workbook()
    workbook.active.append(["序号", title])
    workbook.active.append([1, "示范县某某商店"])
    workbook.save(buffer)
    return Reply(buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
