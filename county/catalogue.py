"""The indicator catalogue, parsed from the county's work plan (工作方案).

The plan is the source of truth: items, tasks and responsible units are read
from it, never retyped, so a county with another plan only swaps the file.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterator

TASK_KINDS = ("网络检索", "材料查证", "随机访谈", "实地核验", "案卷评查", "随机抽考")
ONLINE_KIND = "网络检索"

_KIND_ALT = "|".join(TASK_KINDS)
_ITEM_RE = re.compile(
    r"^(?:第\s*(?P<num>\d+)\s*项指标|附加项指标\s*(?P<extra>加分项|减分项)\s*(?P<extra_num>\d+))"
    r"\s*[：:]\s*(?P<text>.*)$"
)
_TASK_RE = re.compile(
    rf"^(?:[（(]\s*\d+\s*[）)]\s*|\d+\s*[.．、]\s*)?(?P<kind>{_KIND_ALT})\s*[：:]\s*(?P<text>.*)$"
)
_TASKS_HEADING_RE = re.compile(r"^工作任务\s*[：:]?$")
_RESPONSIBLE_RE = re.compile(r"^责任单位\s*[：:]\s*(?P<units>.*)$")
# The plan's closing chapters (steps, mechanisms, requirements, distribution
# list) follow the last item; a short numbered chapter heading also ends it.
_CLOSING_RE = re.compile(
    r"^(?:[一二三四五六七八九十]+\s*[、.．]\s*)?"
    r"(?:创建步骤|实施步骤|工作步骤|工作机制|保障措施|有关要求|工作要求|抄送)"
    r"|^[一二三四五六七八九十]+\s*、\s*\S{1,12}$"
)
_EXTRA_PREFIX = {"加分项": "B", "减分项": "D"}
_OPEN_BRACKETS = "（([〔【"
_CLOSE_BRACKETS = "）)]〕】"
_UNIT_SEPARATORS = "、，,;；"


@dataclass(frozen=True)
class Task:
    kind: str
    text: str


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    tasks: tuple[Task, ...]
    responsible: tuple[str, ...]

    @property
    def online_tasks(self) -> tuple[Task, ...]:
        return tuple(t for t in self.tasks if t.kind == ONLINE_KIND)

    @property
    def people_tasks(self) -> tuple[Task, ...]:
        return tuple(t for t in self.tasks if t.kind != ONLINE_KIND)

    @property
    def kinds(self) -> tuple[str, ...]:
        """Task kinds in plan order, each once."""
        return tuple(dict.fromkeys(t.kind for t in self.tasks))


@dataclass(frozen=True)
class Catalogue:
    items: tuple[Item, ...]

    def get(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        known = ", ".join(i.id for i in self.items[:3])
        raise KeyError(
            f"no indicator {item_id!r} in the work plan (ids look like {known}, …, B1, D2)"
        )

    def __iter__(self) -> Iterator[Item]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def split_units(text: str) -> tuple[str, ...]:
    """Split a 责任单位 line on 、，, ; — but never inside brackets, so that
    各乡（镇、街道） stays one unit."""
    units: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        if char in _OPEN_BRACKETS:
            depth += 1
        elif char in _CLOSE_BRACKETS:
            depth = max(depth - 1, 0)
        if char in _UNIT_SEPARATORS and depth == 0:
            units.append("".join(current))
            current = []
        else:
            current.append(char)
    units.append("".join(current))
    cleaned = (u.strip().rstrip("。.").strip() for u in units)
    return tuple(u for u in cleaned if u)


class _ItemBuilder:
    def __init__(self, item_id: str, text: str, line_no: int) -> None:
        self.id = item_id
        self.text = [text]
        self.tasks: list[tuple[str, list[str]]] = []
        self.responsible: tuple[str, ...] | None = None
        self.line_no = line_no
        self.in_tasks = False

    def add_line(self, line: str, line_no: int) -> None:
        if self.tasks:
            self.tasks[-1][1].append(line)
        elif self.in_tasks:
            raise ValueError(
                f"work plan line {line_no}: item {self.id} has text under 工作任务 "
                f"that names none of {', '.join(TASK_KINDS)}: {line[:30]!r}"
            )
        else:
            self.text.append(line)

    def build(self) -> Item:
        where = f"item {self.id} (work plan line {self.line_no})"
        if not self.tasks:
            raise ValueError(f"{where} has no 工作任务")
        if not self.responsible:
            raise ValueError(f"{where} has no 责任单位")
        tasks = tuple(Task(kind, "".join(parts)) for kind, parts in self.tasks)
        return Item(self.id, "".join(self.text), tasks, self.responsible)


def _item_id(match: re.Match[str]) -> str:
    if match["num"]:
        return str(int(match["num"]))
    return _EXTRA_PREFIX[match["extra"]] + str(int(match["extra_num"]))


def parse_work_plan(text: str) -> Catalogue:
    """Parse a work plan's text into its items, in plan order.

    Raises ValueError (naming the line) on a structure it cannot read, so that a
    changed plan fails loudly instead of losing tasks."""
    builders: list[_ItemBuilder] = []
    current: _ItemBuilder | None = None
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = unicodedata.normalize("NFC", raw).strip()
        if not line:
            continue
        if header := _ITEM_RE.match(line):
            current = _ItemBuilder(_item_id(header), header["text"].strip(), line_no)
            builders.append(current)
        elif current is None:
            continue
        elif _CLOSING_RE.match(line):
            break
        elif current.responsible is not None:
            continue  # page furniture between items (page numbers, blank runs)
        elif _TASKS_HEADING_RE.match(line):
            current.in_tasks = True
        elif task := _TASK_RE.match(line):
            current.tasks.append((task["kind"], [task["text"].strip()]))
        elif units := _RESPONSIBLE_RE.match(line):
            current.responsible = split_units(units["units"])
        else:
            current.add_line(line, line_no)
    items = tuple(b.build() for b in builders)
    _refuse_duplicates(items)
    return Catalogue(items)


def _refuse_duplicates(items: tuple[Item, ...]) -> None:
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise ValueError(f"work plan lists indicator {item.id} twice")
        seen.add(item.id)


@lru_cache(maxsize=8)
def load_catalogue(path: Path | None = None) -> Catalogue:
    """The catalogue of `path`, or of the work plan shipped with the package."""
    if path is None:
        text = resources.files("county").joinpath("data", "work-plan.txt").read_text("utf-8")
    else:
        text = Path(path).read_text("utf-8")
    return parse_work_plan(text)


_LINE_WIDTH = 78


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _shorten(text: str, width: int) -> str:
    if _display_width(text) <= width:
        return text
    kept: list[str] = []
    used = 0
    for char in text:
        used += _display_width(char)
        if used > width - 1:
            break
        kept.append(char)
    return "".join(kept) + "…"


def _wrap(text: str, width: int) -> list[str]:
    lines, line, used = [], "", 0
    for char in text:
        if used + _display_width(char) > width:
            lines.append(line)
            line, used = "", 0
        line += char
        used += _display_width(char)
    return lines + [line]


def _item_label(item_id: str) -> str:
    if item_id.isdigit():
        return f"第{item_id}项"
    kind = "加分项" if item_id.startswith("B") else "减分项"
    return f"{kind}{item_id[1:]}（{item_id}）"


def format_catalogue(catalogue: Catalogue, automatic: set[str]) -> str:
    """A plain-text listing of every item for `fazhi catalog`.

    `automatic` holds the ids of items that have an automatic check; an id the
    catalogue does not know is refused, as it means a check and the plan disagree."""
    unknown = sorted(automatic - {item.id for item in catalogue})
    if unknown:
        raise ValueError(f"automatic checks name indicators not in the work plan: {', '.join(unknown)}")
    blocks = [_format_item(item, item.id in automatic) for item in catalogue]
    online = sum(len(item.online_tasks) for item in catalogue)
    totals = (
        f"合计：{len(catalogue)} 项指标，网络检索任务 {online} 项，"
        f"自动检查 {len(automatic)} 项，其余需人工"
    )
    return "\n\n".join(blocks) + "\n\n" + totals + "\n"


def _format_item(item: Item, automatic: bool) -> str:
    marker = "自动检查" if automatic else "人工"
    head = f"{_item_label(item.id)}  [{marker}]  {'、'.join(item.kinds)}"
    # the text is only a reminder, but every responsible unit must be listed
    units = _wrap("责任单位：" + "、".join(item.responsible), _LINE_WIDTH - 2)
    return "\n".join([head, "  " + _shorten(item.text, _LINE_WIDTH - 2)] + ["  " + line for line in units])
