import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.matching import (
    FUZZY_THRESHOLD,
    Phrase,
    find_years,
    is_news_report,
    match_title,
    normalise_title,
)

_RULES_DOCS = ("管理办法", "实施办法", "暂行办法", "制度", "规定", "实施细则", "指导意见")

PHRASES = {
    "power-list": [
        Phrase(
            "权责清单",
            variants=("权力清单和责任清单", "权力和责任清单", "部门权责清单", "权力清单", "责任清单"),
        )
    ],
    # Without the short spellings, so that only fuzzy matching can find typos.
    "power-list-long": [Phrase("权责清单", variants=("权力和责任清单", "权力清单和责任清单"))],
    "public-service-list": [Phrase("公共服务事项清单")],
    "fee-list": [
        Phrase(
            "行政事业性收费目录清单",
            variants=("行政事业性收费清单", "行政事业性收费目录", "行政事业性收费项目目录"),
            requires=("行政事业性",),
        )
    ],
    "annual-report": [
        Phrase(
            "法治政府建设情况报告",
            variants=("法治政府建设年度报告", "法治政府建设工作报告"),
            requires=("法治政府|依法行政",),
        )
    ],
    "review-decision": [Phrase("行政复议决定书")],
    "purchase": [
        Phrase(
            "政府购买服务",
            variants=("购买服务项目", "招标公告", "中标公告", "成交公告", "中标结果", "采购结果"),
            requires=("购买|采购",),
            excludes=_RULES_DOCS,
        )
    ],
    "decision-catalogue": [Phrase("重大行政决策事项目录", variants=("重大行政决策目录",))],
    "norm-cleanup": [Phrase("规范性文件清理结果", variants=("规范性文件清理情况",))],
    "constitution-week": [Phrase("宪法宣传周"), Phrase("国家宪法日", variants=("12·4", "12.4"))],
    "press-conference": [Phrase("新闻发布会")],
}

# (title, phrases key, expected matched spelling or None, how, allow_news)
CASES = [
    # Must match: the item under its usual names, with county/unit names, years,
    # brackets, 《》 and document suffixes around it.
    ("鲁山县司法局权责清单（2021年版）", "power-list", "权责清单", "contains", False),
    ("县市场监管局权力清单和责任清单目录", "power-list", "权力清单和责任清单", "contains", False),
    ("《鲁山县发展和改革委员会部门权责清单》的通知", "power-list", "部门权责清单", "contains", False),
    ("关于公布县教育局权力和责任清单的公告", "power-list", "权力和责任清单", "contains", False),
    ("鲁山县住房和城乡建设局　权责清单（２０２１年版）", "power-list", "权责清单", "contains", False),
    ("鲁山县城市管理局 权 责 清 单", "power-list", "权责清单", "contains", False),
    ("县交通运输局权利和责任清单", "power-list", "责任清单", "contains", False),
    ("县交通运输局权利和责任清单", "power-list-long", "权力和责任清单", "fuzzy", False),
    ("鲁山县权力清单及责任清单", "power-list-long", "权力清单和责任清单", "fuzzy", False),
    ("鲁山县权力清单及责任清单", "power-list", "权力清单", "contains", False),
    ("县财政局公共服务清单", "public-service-list", "公共服务事项清单", "fuzzy", False),
    ("鲁山县人民政府办公室关于印发鲁山县行政事业性收费目录清单（2021年版）的通知", "fee-list",
     "行政事业性收费目录清单", "contains", False),
    ("鲁山县２０２０年行政事业性收费项目目录", "fee-list", "行政事业性收费项目目录", "contains", False),
    ("鲁山县人民政府关于2020年法治政府建设情况的报告", "annual-report", "法治政府建设情况报告", "fuzzy", False),
    ("鲁山县司法局2020年度法治政府建设工作报告", "annual-report", "法治政府建设工作报告", "contains", False),
    ("鲁山县人民政府行政复议决定书（鲁政复决〔2021〕3号）", "review-decision", "行政复议决定书", "contains", False),
    ("鲁山县2021年政府购买养老服务项目公开招标公告", "purchase", "招标公告", "contains", False),
    ("鲁山县民政局社区服务购买服务项目中标结果公示", "purchase", "购买服务项目", "contains", False),
    ("鲁山县2021年重大行政决策事项目录", "decision-catalogue", "重大行政决策事项目录", "contains", False),
    ("关于鲁山县行政规范性文件清理结果的公告", "norm-cleanup", "规范性文件清理结果", "contains", False),
    ("县司法局开展“宪法宣传周”系列活动", "constitution-week", "宪法宣传周", "contains", True),
    ("我县开展12·4国家宪法日宣传活动", "constitution-week", "国家宪法日", "contains", True),
    ("鲁山县召开2021年第一季度新闻发布会", "press-conference", "新闻发布会", "contains", True),
    # Near-misses: news about the item, a neighbouring item, a missing qualifier.
    ("县司法局召开权责清单编制工作培训会", "power-list", None, None, False),
    ("全县权责清单工作部署会议", "power-list", None, None, False),
    ("关于召开全县权责清单动态调整工作会议的通知", "power-list", None, None, False),
    ("县市场监管局扎实推进权责清单动态调整工作", "power-list", None, None, False),
    ("县领导到县司法局调研权责清单编制工作", "power-list", None, None, False),
    ("县财政局公共服务事项清单", "power-list", None, None, False),
    ("鲁山县涉企收费清单", "fee-list", None, None, False),
    ("鲁山县行政事业单位收费目录清单", "fee-list", None, None, False),
    ("鲁山县经营服务性收费目录清单", "fee-list", None, None, False),
    ("关于规范收费管理的通知", "fee-list", None, None, False),
    ("鲁山县2020年政府信息公开工作年度报告", "annual-report", None, None, False),
    ("市督导组到我县检查法治政府建设工作", "annual-report", None, None, False),
    ("鲁山县法治政府建设工作取得明显成效", "annual-report", None, None, False),
    ("鲁山县市场监督管理局行政处罚决定书（鲁市监罚〔2021〕12号）", "review-decision", None, None, False),
    ("行政复议申请书（样本）", "review-decision", None, None, False),
    ("关于印发《鲁山县政府购买服务管理办法》的通知", "purchase", None, None, False),
    ("鲁山县政府购买服务指导性目录实施细则", "purchase", None, None, False),
    ("鲁山县重大行政决策程序规定", "decision-catalogue", None, None, False),
    ("关于开展行政规范性文件清理工作的通知", "norm-cleanup", None, None, False),
    ("关于印发《鲁山县新闻发言人制度》的通知", "press-conference", None, None, False),
    ("县司法局开展“宪法宣传周”系列活动", "constitution-week", None, None, False),
]


def _case_id(case):
    title, key, expected, _, allow_news = case
    verdict = "match" if expected else "none"
    return f"{key}-{verdict}{'-news' if allow_news else ''}-{title[:14]}"


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_title_matching(case):
    title, key, expected, how, allow_news = case
    match = match_title(title, PHRASES[key], allow_news=allow_news)
    if expected is None:
        assert match is None, f"{title!r} wrongly matched {match}"
    else:
        assert match is not None, f"{title!r} did not match {key}"
        assert (match.matched, match.how) == (expected, how)
        assert match.score >= FUZZY_THRESHOLD


def test_table_is_large_and_balanced():
    assert len(CASES) >= 30
    assert sum(c[2] is None for c in CASES) >= 15
    assert sum(c[3] == "fuzzy" for c in CASES) >= 3


def test_threshold_sits_between_true_variants_and_near_misses():
    just_above = match_title("县交通运输局权利和责任清单", PHRASES["power-list-long"])
    assert FUZZY_THRESHOLD <= just_above.score < FUZZY_THRESHOLD + 1
    near_miss = Phrase("行政事业性收费目录清单")  # no 行政事业性 requirement: the score decides
    assert match_title("鲁山县行政事业单位收费目录清单", [near_miss]) is None


def test_match_carries_phrase_and_prefers_longest_contained_spelling():
    match = match_title("鲁山县财政局部门权责清单", PHRASES["power-list"])
    assert match.phrase.name == "权责清单"
    assert match.matched == "部门权责清单"
    assert match.score == 100.0


def test_contained_spelling_beats_fuzzy_across_phrases():
    phrases = [Phrase("权力和责任清单"), Phrase("公共服务事项清单")]
    match = match_title("县民政局公共服务事项清单", phrases)
    assert (match.phrase.name, match.how) == ("公共服务事项清单", "contains")


def test_short_title_is_not_inside_a_long_phrase():
    assert match_title("清单", PHRASES["power-list"] + PHRASES["fee-list"]) is None
    assert match_title("", PHRASES["power-list"]) is None


@pytest.mark.parametrize(
    ("title", "core"),
    [
        ("《鲁山县司法局权责清单》（2021年版）的通知", "鲁山县司法局权责清单"),
        ("关于公布县教育局权力和责任清单的公告", "县教育局权力和责任清单"),
        ("鲁山县　２０２１年 重大行政决策事项目录", "鲁山县2021年重大行政决策事项目录"),
        ("“关于征求《鲁山县XX办法（征求意见稿）》意见的公告”", "征求鲁山县XX办法(征求意见稿)意见"),
        ("鲁山县行政事业性收费目录清单(2020年修订)公示", "鲁山县行政事业性收费目录清单"),
    ],
)
def test_normalise_title(title, core):
    assert normalise_title(title) == core


@pytest.mark.parametrize(
    "title",
    [
        "县司法局召开权责清单编制工作培训会",
        "全县权责清单工作部署会议",
        "我县举行法治政府建设推进会",
        "县政府组织学习新修订的行政处罚法",
        "市检查组到我县检查行政执法工作",
        "县司法局赴各乡镇督导法治政府建设示范创建工作",
        "县长带队观摩重点项目",
        "鲁山县政务公开工作取得显著成效",
        "县市场监管局多措并举推进“双随机、一公开”监管",
        "县人社局开展法治宣传进企业活动",
        "县委常委、政法委书记孙文涛，县政府副县长孙若梅检查指导县法治一条街改造升级工作",
        "柘城县法律援助中心“三个延伸”，切实做好法援工作",
        "司法局节后召开“收心”会 迅速转入工作状态",
        "县长路标会见中国二十冶集团有限公司工程技术公司总经理刘辉一行",
    ],
)
def test_news_reports(title):
    assert is_news_report(title)


@pytest.mark.parametrize(
    "title",
    [
        "鲁山县司法局权责清单（2021年版）",
        "关于开展行政规范性文件清理工作的通知",
        "关于扎实推进政务公开工作的实施意见",
        "关于统一行政执法证件管理的通知",
        "鲁山县2021年宪法宣传周活动方案",
        "鲁山县重大行政决策集体讨论会议制度",
        "鲁山县人民政府关于2020年法治政府建设情况的报告",
        "河南省深化简政放权放管结合优化服务改革网络意见征集活动即日启动",
        "柘城县人民武装部基干民兵队伍装备器材购置项目招标公告",
        "平潭综合实验区2020年度政府信息公开工作年度报告",
    ],
)
def test_documents_are_not_news(title):
    assert not is_news_report(title)


@pytest.mark.parametrize(
    ("title", "years"),
    [
        ("鲁山县人民政府关于2020年法治政府建设情况的报告", [2020]),
        ("鲁山县司法局2020年度法治政府建设工作报告", [2020]),
        ("鲁山县二〇二〇年法治政府建设情况报告", [2020]),
        ("鲁山县二○一九年度依法行政工作报告", [2019]),
        ("鲁山县２０２１年重大行政决策事项目录", [2021]),
        ("2019-2021年规范性文件清理结果（2021年版）", [2019, 2021]),
        ("鲁政〔2021〕12号 关于2020年度依法行政考核结果的通报", [2020]),
        ("第1998号通知 20201231", []),
        ("法治政府建设情况报告", []),
    ],
)
def test_find_years(title, years):
    assert find_years(title) == years


@given(st.text(), st.booleans())
def test_match_title_never_raises(title, allow_news):
    phrases = [p for group in PHRASES.values() for p in group]
    match = match_title(title, phrases, allow_news=allow_news)
    assert match is None or match.score >= FUZZY_THRESHOLD
    assert all(2000 <= y <= 2099 for y in find_years(title))


def test_short_spellings_match_by_containment_only():
    from rules.matching import Phrase, match_title

    integrity = [Phrase("政务诚信", ("政府诚信", "政府守信"))]
    assert match_title("示范县政府信息公开指南", integrity) is None
    assert match_title("政府信息公开年报", integrity) is None
    assert match_title("关于加强政务诚信建设的实施意见", integrity) is not None
