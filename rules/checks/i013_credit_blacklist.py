"""第13项：加强信用监管体系建设的文件及失信惩戒黑榜在网上公开。"""

from __future__ import annotations

from rules.base import register
from rules.county_checks import PresenceCheck, Requirement, stale_problem
from rules.matching import Phrase

CREDIT_SUPERVISION = Requirement(
    name="加强信用监管（信用体系建设）的文件",
    phrases=(
        Phrase("信用监管"),
        Phrase("信用体系", ("社会信用体系", "信用建设", "守信联合激励", "失信联合惩戒", "信用承诺", "信用分级分类")),
    ),
    advice="请公开本县加强信用监管、推进社会信用体系建设的文件",
)
BLACKLIST = Requirement(
    name="失信惩戒黑榜（失信黑名单）",
    phrases=(
        Phrase("黑名单", ("黑榜", "红黑榜", "失信被执行人名单", "失信主体名单", "严重失信主体", "失信惩戒对象名单", "失信联合惩戒对象"),
               # the rules of joint punishment (办法, 合作备忘录, 实施方案) name the lists without publishing one
               excludes=("管理办法", "实施办法", "暂行办法", "制度", "规定", "实施意见", "备忘录", "方案")),
    ),
    advice="请公开本级政府及职能部门对失信主体开展失信惩戒的黑榜（失信黑名单、红黑榜），并定期更新",
)


@register
class CreditBlacklist(PresenceCheck):
    """信用监管文件与失信惩戒黑榜"""

    indicator = "13"
    slug = "credit-blacklist"
    requirements = (CREDIT_SUPERVISION, BLACKLIST)

    def problems(self, corpus, found):
        stale = stale_problem(found[BLACKLIST.name], corpus.ctx.as_of, 12, BLACKLIST.name)
        if stale:
            yield stale
