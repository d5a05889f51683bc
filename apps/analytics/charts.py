"""Bar charts drawn on the server as SVG: no script, readable by screen readers (a title,
a description, and the same numbers in a table beside the chart)."""

from dataclasses import dataclass

WIDTH, HEIGHT = 640, 200
LEFT, BOTTOM, TOP = 40, 24, 10


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    ticks: list[tuple[float, str]]  # (y, label) of the horizontal grid lines
    first_label: str
    last_label: str
    baseline: float
    empty: bool


def _nice_ceiling(value: float) -> float:
    """A round top for the axis: 1, 2 or 5 times a power of ten, at least `value`."""
    if value <= 0:
        return 1
    power = 1.0
    while power * 10 <= value:
        power *= 10
    while power > value:
        power /= 10
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def _format(value: float) -> str:
    return f"{value:g}" if value < 10_000 else f"{value / 1000:g}k"


def bar_chart(points: list[tuple[str, float]]) -> Chart:
    """`points` are (label, value) in order, one bar each."""
    top = _nice_ceiling(max((value for _, value in points), default=0))
    plot_width, plot_height = WIDTH - LEFT, HEIGHT - BOTTOM - TOP
    slot = plot_width / max(len(points), 1)
    gap = min(2.0, slot * 0.2)
    bars = []
    for index, (label, value) in enumerate(points):
        height = plot_height * value / top
        bars.append(
            Bar(
                x=round(LEFT + index * slot + gap / 2, 2),
                y=round(TOP + plot_height - height, 2),
                width=round(max(slot - gap, 1), 2),
                height=round(height, 2),
                label=label,
                value=value,
            )
        )
    ticks = [
        (round(TOP + plot_height * (1 - step / 4), 2), _format(top * step / 4)) for step in range(5)
    ]
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        bars=bars,
        ticks=ticks,
        first_label=points[0][0] if points else "",
        last_label=points[-1][0] if points else "",
        baseline=TOP + plot_height,
        empty=not any(value for _, value in points),
    )
