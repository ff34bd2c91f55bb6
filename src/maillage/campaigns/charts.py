"""Chart images of an indicator for the written report: its measured values over the periods, against
its targets and its baseline.

Drawn with ReportLab's chart library (``reportlab.graphics.charts``, already the PDF renderer's
dependency, maintained), written as SVG and turned into PNG by cairosvg (already used for the tree
diagram): no new dependency, and the same picture in DOCX, ODT and PDF (``model.Image`` is a PNG).
matplotlib would have drawn them as well, at the cost of a ~40 MB dependency (numpy with it) for a
few line charts. Without the system's cairo library the report keeps its tables and leaves the charts
out, as the annex does with its tree diagram.
"""

import os
import re
from dataclasses import dataclass

from reportlab.graphics import renderSVG
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib.colors import HexColor

from .reading import french_number

WIDTH, HEIGHT = 480, 220  # points; printed 16 cm wide
SCALE = 2  # PNG pixels per point: 960 px for 15 cm, about 160 dpi printed
MEASURED = HexColor("#000091")  # DSFR blue France
TARGET = HexColor("#CE614A")  # DSFR "terre battue", readable beside the blue in grey too
BASELINE = HexColor("#666666")
FONT = "Helvetica"
_YEAR = re.compile(r"(19|20)\d\d")
# A chart costs about 0.1 s (SVG, then cairo): above this many, they are drawn by a pool of processes
# (one per core, at most 4), in chunks, as the PDF renderer lays out its pages.
PARALLEL_ABOVE = 40
CHUNK = 20


def period_key(period: str) -> tuple:
    """Periods sort by the first year they name ("fin 2023" with 2023), then by their text."""
    found = _YEAR.search(period or "")
    return (int(found.group()) if found else 9999, period)


@dataclass
class Series:
    """What a chart shows: the periods in order, and the measured, target and baseline values."""

    periods: list[str]
    measured: dict  # period -> number
    targets: dict  # period -> number
    baseline: tuple | None = None  # (period, number)

    @property
    def points(self) -> int:
        return len(self.measured) + len(self.targets) + (1 if self.baseline else 0)


def series_of(indicator) -> Series | None:
    """The indicator's numbers by period (its values and targets prefetched); None for a qualitative
    indicator or one with fewer than two numbers (a single point is better read in the table)."""
    if indicator.kind != "quantitative":
        return None
    measured = {}
    for value in indicator.values.all():
        if value.value is not None:
            measured[value.period] = float(value.value)  # a later value of the same period replaces it
    targets = {str(target.year): float(target.value) for target in indicator.targets.all()}
    baseline = None
    if indicator.baseline is not None:
        period = str(indicator.baseline_year) if indicator.baseline_year else "départ"
        baseline = (period, float(indicator.baseline))
    periods = set(measured) | set(targets) | ({baseline[0]} if baseline else set())
    series = Series(sorted(periods, key=period_key), measured, targets, baseline)
    return series if series.points >= 2 else None


def _line(chart, index, colour, dashed=False, marker="FilledCircle"):
    line = chart.lines[index]
    line.strokeColor = colour
    line.strokeWidth = 2
    line.symbol = makeMarker(marker, size=6, fillColor=colour, strokeColor=colour)
    if dashed:
        line.strokeDashArray = [5, 3]


def chart_svg(series: Series, unit: str = "") -> str:
    position = {period: index for index, period in enumerate(series.periods)}
    data, styles = [], []
    if series.measured:
        data.append([(position[p], v) for p, v in sorted(series.measured.items(), key=lambda kv: position[kv[0]])])
        styles.append(("Valeurs mesurées", MEASURED, False, "FilledCircle"))
    if series.targets:
        data.append([(position[p], v) for p, v in sorted(series.targets.items(), key=lambda kv: position[kv[0]])])
        styles.append(("Cibles", TARGET, True, "FilledDiamond"))
    if series.baseline:
        data.append([(position[series.baseline[0]], series.baseline[1])])
        styles.append(("Valeur de départ", BASELINE, False, "FilledSquare"))
    drawing = Drawing(WIDTH, HEIGHT)
    chart = LinePlot()
    chart.x, chart.y, chart.width, chart.height = 60, 50, WIDTH - 80, HEIGHT - 90
    chart.data = data
    for index, (_name, colour, dashed, marker) in enumerate(styles):
        _line(chart, index, colour, dashed, marker)
    last = max(len(series.periods) - 1, 1)
    chart.xValueAxis.valueMin, chart.xValueAxis.valueMax = -0.3, last + 0.3
    chart.xValueAxis.valueSteps = list(range(len(series.periods)))
    chart.xValueAxis.labelTextFormat = lambda x: (
        series.periods[int(round(x))] if 0 <= round(x) < len(series.periods) else ""
    )
    chart.xValueAxis.labels.fontName = chart.yValueAxis.labels.fontName = FONT
    chart.xValueAxis.labels.fontSize = chart.yValueAxis.labels.fontSize = 8
    values = [y for line in data for _x, y in line]
    low, high = min(values + [0]), max(values)
    chart.yValueAxis.valueMin = low
    chart.yValueAxis.valueMax = high * 1.1 if high > 0 else 1
    chart.yValueAxis.labelTextFormat = lambda y: french_number(round(y, 2))
    chart.yValueAxis.visibleGrid = True
    chart.yValueAxis.gridStrokeColor = HexColor("#DDDDDD")
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = 60, 18
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.fontName, legend.fontSize = FONT, 8
    legend.deltax = 110
    legend.colorNamePairs = [(colour, name) for name, colour, _dashed, _marker in styles]
    drawing.add(legend)
    if unit:
        drawing.add(String(8, HEIGHT - 18, unit[:40], fontName=FONT, fontSize=8, fillColor=BASELINE))
    return renderSVG.drawToString(drawing)


def chart_png(series: Series, unit: str = "") -> bytes | None:
    """The chart as PNG, or None without the system's cairo library."""
    try:
        import cairosvg
    except (ImportError, OSError):
        return None
    return cairosvg.svg2png(bytestring=chart_svg(series, unit).encode("utf-8"), scale=SCALE, background_color="white")


def chart_alt(indicator, series: Series) -> str:
    """The chart said in words, for screen readers (the table beside it says it too)."""
    parts = []
    if series.measured:
        measured = " ; ".join(
            f"{p} : {french_number(v)}" for p, v in sorted(series.measured.items(), key=lambda kv: period_key(kv[0]))
        )
        parts.append(f"valeurs mesurées {measured}")
    if series.targets:
        targets = " ; ".join(
            f"{p} : {french_number(v)}" for p, v in sorted(series.targets.items(), key=lambda kv: period_key(kv[0]))
        )
        parts.append(f"cibles {targets}")
    if series.baseline:
        parts.append(f"valeur de départ {series.baseline[0]} : {french_number(series.baseline[1])}")
    unit = f" ({indicator.unit})" if indicator.unit else ""
    return f"Évolution de l'indicateur « {indicator.title} »{unit} : " + ", ".join(parts) + "."


def _draw_chunk(jobs: list) -> list:
    return [(key, chart_png(series, unit)) for key, series, unit in jobs]


def draw_many(jobs: list, progress=None, workers: int | None = None, parallel_above: int = PARALLEL_ABOVE) -> dict:
    """``{key: png}`` for ``jobs``, a list of (key, Series, unit); ``progress(done, total)`` as they are drawn."""
    total = len(jobs)
    chunks = [jobs[start : start + CHUNK] for start in range(0, total, CHUNK)]
    workers = workers or min(os.cpu_count() or 1, 4, max(len(chunks), 1))
    pictures, done = {}, 0
    if total > parallel_above and workers > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            results = pool.map(_draw_chunk, chunks)
            for drawn in results:
                pictures.update(drawn)
                done += len(drawn)
                if progress:
                    progress(done, total)
    else:
        for chunk in chunks:
            pictures.update(_draw_chunk(chunk))
            done += len(chunk)
            if progress:
                progress(done, total)
    return pictures
