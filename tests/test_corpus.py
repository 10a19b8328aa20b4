"""The run's one view (rules/corpus.py): its title index finds exactly what a scan of
every title finds, and each document's unit is decided once, with the reason."""

import sys
from pathlib import Path

import yaml

from rules.base import registered_checks
from county.catalogue import load_catalogue
from county.units import COUNTY_DEFAULT
from rules.corpus import Corpus, match_doc
from rules.county_checks import Requirement, normative_hits
from rules.matching import Phrase, match_title
from rules.testing import context_for_case

REAL_TITLES = Path(__file__).parent / "fixtures" / "real_titles.yaml"
# misspelt and reworded titles that only fuzzy matching finds
NEAR_TITLES = [
    "县教育局权利和责任清单",
    "县人民政府公共服务清单（2021年版）",
    "县市场监管局权力清单及责任清单",
    "关于2020年法治政府建设情况的报告",
    "行政事业单位收费目录清单",
    "行政规范性文件清理工作",
    "新闻发言人名单",
    "附件1.xlsx",
]


def _declared_phrase_sets() -> list[tuple[tuple[Phrase, ...], bool]]:
    """Every set of phrases a check module declares, with whether it allows news."""
    found = []
    for check in registered_checks():
        module = sys.modules[check.__module__]
        values = [*vars(module).values(), *getattr(check, "requirements", ()), getattr(check, "events", ())]
        for value in values:
            if isinstance(value, Requirement):
                found.append((tuple(value.phrases), value.allow_news))
            elif isinstance(value, Phrase):
                found.append(((value,), False))
            elif isinstance(value, tuple) and value and all(isinstance(item, Phrase) for item in value):
                found.append((value, False))
            elif isinstance(value, dict) and value and all(isinstance(item, Phrase) for item in value.values()):
                found.extend(((phrase,), False) for phrase in value.values())
    return list(dict.fromkeys(found))


def _documents() -> list[dict]:
    titles = [entry["title"] for entry in yaml.safe_load(REAL_TITLES.read_text(encoding="utf-8"))] + NEAR_TITLES
    documents = []
    for number, title in enumerate(titles):
        documents.append({"url": f"/xxgk/{number}.html", "title": title, "published": "2021-03-01"})
        # an attachment known by its page's link text and its file name as well
        documents.append({"url": f"/xxgk/files/{title[:12]}.pdf", "title": "附件", "kind": "attachment",
                          "link_text": title[::-1] if number % 2 else title, "parent_url": f"/xxgk/{number}.html"})
    return documents


def test_the_title_index_finds_what_a_scan_of_every_title_finds():
    ctx = context_for_case({"as_of": "2021-04-01", "documents": _documents()}, load_catalogue())
    corpus = Corpus(ctx)
    phrase_sets = _declared_phrase_sets()
    assert len(phrase_sets) > 40
    matched = 0
    for phrases, allow_news in phrase_sets:
        scanned = [(doc, match) for doc in ctx.present if (match := match_doc(doc, phrases, allow_news))]
        assert corpus.matching(phrases, allow_news) == scanned, phrases
        own = [(doc, match) for doc in ctx.present if (match := match_title(doc.title, phrases, allow_news=allow_news))]
        assert corpus.titled(phrases, allow_news=allow_news) == own, phrases
        matched += len(scanned)
    assert matched > 100


def test_a_documents_unit_is_decided_once_with_the_reason():
    case = {
        "as_of": "2021-04-01",
        "documents": [
            {"url": "/bm/sfj/1.html", "title": "县司法局通知"},
            {"url": "/xxgk/1.html", "title": "鲁山县教育局2020年法治政府建设情况报告"},
            {"url": "/xxgk/2.html", "title": "平顶山市教育局关于做好2021年工作的通知"},
            {"url": "/bm/jyj/2.html", "title": "县教育局权责清单"},
            {"url": "/files/qzqd.xlsx", "title": "附件1", "kind": "attachment", "parent_url": "/bm/jyj/2.html"},
        ],
    }
    corpus = Corpus(context_for_case(case, load_catalogue()))
    owners = {doc.url.rsplit("gov.test", 1)[-1]: (found.unit, found.reason) for doc in corpus.docs if (found := corpus.ownership(doc))}
    assert owners == {
        "/bm/sfj/1.html": ("县司法局", "网址前缀 http://gov.test/bm/sfj/"),
        "/xxgk/1.html": ("县教育局", "标题写明“鲁山县教育局”"),
        "/xxgk/2.html": ("县政府", COUNTY_DEFAULT),  # 市教育局 is the city's, not ours
        "/bm/jyj/2.html": ("县教育局", "网址前缀 http://gov.test/bm/jyj/"),
        "/files/qzqd.xlsx": ("县教育局", "所在网页 http://gov.test/bm/jyj/2.html（网址前缀 http://gov.test/bm/jyj/）"),
    }
    assert [doc.title for doc in corpus.documents_of("县教育局")] == ["鲁山县教育局2020年法治政府建设情况报告", "县教育局权责清单", "附件1"]


def test_a_column_page_lists_the_dated_pages_under_its_folder_only():
    case = {
        "as_of": "2021-04-01",
        "documents": [
            {"url": "/xxgk/zcwj/index.html", "title": "政策文件"},
            {"url": "/xxgk/zcwj/2021-03/1.html", "title": "甲", "published": "2021-03-01"},
            {"url": "/xxgk/zcwj/2.html", "title": "乙", "published": "2021-03-02"},
            {"url": "/xxgk/zcwjk/3.html", "title": "丙", "published": "2021-03-03"},
            {"url": "/xxgk/zcwj/4.html", "title": "丁"},
        ],
    }
    corpus = Corpus(context_for_case(case, load_catalogue()))
    column, *entries = corpus.docs
    assert [doc.title for doc in corpus.listed_in(column)] == ["甲", "乙"]
    assert all(corpus.listed_in(doc) is None for doc in entries)


def test_a_normative_documents_year_comes_from_the_signing_date_extraction_reads():
    case = {
        "as_of": "2021-04-01",
        "documents": [
            {"url": "/xxgk/gfxwj/1.html", "title": "鲁山县人民政府关于加强农村建房管理的通知",
             "meta": {"ColumnName": "规范性文件"}, "fields": {"成文时间": "2020年5月6日"}},
        ],
    }
    [hit] = normative_hits(Corpus(context_for_case(case, load_catalogue())))
    assert hit.years == (2020,)


def test_a_consultation_on_a_major_decision_counts_by_either_name():
    from rules.base import Doc
    from rules.topics.consultation import is_major_decision_notice

    ctx = context_for_case({"as_of": "2021-04-01"}, load_catalogue())
    short_name = Doc(url="http://gov.test/xxgk/zqyj/1.html", title="关于《鲁山县城区停车管理办法（征求意见稿）》公开征求意见的公告",
                     text="该办法属于县政府重大决策事项，现向社会公开征求意见。")
    assert is_major_decision_notice(short_name, ctx)
