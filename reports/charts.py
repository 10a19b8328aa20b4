"""The trend chart's geometry, computed here so the template only draws it (inline SVG, no script)."""

from __future__ import annotations

from dataclasses import dataclass

from reports.model import TrendPoint
from storage.statuses import LABELS, WORST_FIRST

WIDTH, HEIGHT = 640, 200
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 14, 30
COLOURS = {"fail": "#c0392b", "warn": "#b7791f", "unknown": "#6c757d", "pass": "#2f855a"}


@dataclass(frozen=True)
class Series:
    status: str
    label: str
    colour: str
    points: tuple[tuple[float, float], ...]

    @property
    def polyline(self) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in self.points)


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    series: tuple[Series, ...]
    y_ticks: tuple[tuple[float, int], ...]  # (y, value)
    x_labels: tuple[tuple[float, str, str], ...]  # (x, text, SVG text-anchor)
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    bottom_edge: int = HEIGHT - BOTTOM


def _nice_max(value: int) -> int:
    for step in (5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000):
        if value <= step:
            return step
    return value


def trend_chart(points: list[TrendPoint]) -> TrendChart | None:
    if not points:
        return None
    top = _nice_max(max(max(p.counts.values()) for p in points) or 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / (len(points) - 1) if len(points) > 1 else 0
    xs = [LEFT + (i * step if len(points) > 1 else plot_w / 2) for i in range(len(points))]

    def y(value: int) -> float:
        return TOP + plot_h * (1 - value / top)

    series = tuple(
        Series(s, LABELS[s], COLOURS[s], tuple((x, y(p.counts.get(s, 0))) for x, p in zip(xs, points)))
        for s in WORST_FIRST
    )
    ticks = tuple((y(v), v) for v in (0, top // 2, top))
    shown = {0, len(points) - 1, (len(points) - 1) // 2}
    anchors = {0: "start", len(points) - 1: "end"} if len(points) > 1 else {}
    labels = tuple((xs[i], _label(points[i]), anchors.get(i, "middle")) for i in sorted(shown))
    return TrendChart(WIDTH, HEIGHT, series, ticks, labels)


def _label(point: TrendPoint) -> str:
    return point.as_of.isoformat() if point.as_of else f"第{point.run_id}次"


SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 120, 28, 4


@dataclass(frozen=True)
class Sparkline:
    """A county's pass share over its last nights, small enough for a table cell."""

    width: int
    height: int
    points: tuple[tuple[float, float, bool], ...]  # (x, y, complete night)

    @property
    def polyline(self) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y, _complete in self.points)


def share_sparkline(shares: list[tuple[float, bool]]) -> Sparkline | None:
    """shares: (share of findings passed, 0–1; whether the night was complete), oldest first."""
    if not shares:
        return None
    inner_w, inner_h = SPARK_WIDTH - 2 * SPARK_PAD, SPARK_HEIGHT - 2 * SPARK_PAD
    step = inner_w / (len(shares) - 1) if len(shares) > 1 else 0
    points = tuple(
        (SPARK_PAD + (i * step if len(shares) > 1 else inner_w / 2), SPARK_PAD + inner_h * (1 - share), complete)
        for i, (share, complete) in enumerate(shares)
    )
    return Sparkline(SPARK_WIDTH, SPARK_HEIGHT, points)
