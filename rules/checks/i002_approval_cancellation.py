"""第2项：取消非行政许可审批事项的文件，承接上级取消、下放行政审批事项的文件在网上公开。"""

from __future__ import annotations

from rules.base import register
from rules.county_checks import PresenceCheck, Requirement
from rules.matching import Phrase

NON_LICENSING_CANCELLED = Requirement(
    name="取消非行政许可审批事项的文件",
    phrases=(Phrase("非行政许可审批", ("非许可审批", "非行政许可"), requires=("取消|清理|废止",)),),
    advice="请公开本县取消非行政许可审批事项的文件",
)
DEVOLVED_TAKEN_OVER = Requirement(
    name="承接上级取消、下放行政审批事项的文件",
    phrases=(
        Phrase("承接", ("衔接", "落实", "下放", "取消和调整", "取消和下放"),
               requires=("取消|下放|调整", "审批|许可|事项|职权|权限|项目"), excludes=("非行政许可",)),
    ),
    advice="请公开落实和承接上级政府取消、下放行政审批事项的文件（如承接事项目录、落实通知）",
)


@register
class ApprovalCancellation(PresenceCheck):
    """取消非行政许可审批，承接上级取消、下放事项"""

    indicator = "2"
    slug = "approval-cancellation"
    requirements = (NON_LICENSING_CANCELLED, DEVOLVED_TAKEN_OVER)
