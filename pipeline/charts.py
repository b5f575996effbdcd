"""Charts of the comparative analysis, as SVG drawn by matplotlib.

Deterministic bytes (fixed hash salt, no date), text drawn as paths in the book's own font
(so every reader and every format shows the same glyphs), and grey levels with hatching so
the charts survive greyscale printing. Each chart comes with localized alt text.

Drawing costs more than the rest of assembling a language (matplotlib's import alone), so
a caller may give a cache file: charts are then drawn again only when what they show,
their strings, the fonts, matplotlib or this code changed.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Callable

from .analysis import Analysis
from .diagnostics import PipelineError
from .files import write_atomic
from .i18n import Strings, format_number

# Fills of the stacked bars, in order: tones of the book's blue and hatching, so that
# the charts survive greyscale printing; a contract with more codes cycles through them.
GREYS = ("#1d3f6e", "#6f87a8", "#c9d4e3", "#e9eef5", "#ffffff", "#3f5f8a", "#9fb2cc",
         "#d8e0ec")
HATCHES = ("", "//", "..", "xx", "", "\\\\", "++", "--")


INK = "#1b1f24"
FACES = ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf")  # of templates/fonts/


def _fill(i: int) -> dict:
    return {"color": GREYS[i % len(GREYS)], "hatch": HATCHES[i % len(HATCHES)]}


@dataclass(frozen=True)
class Chart:
    name: str
    svg: bytes
    caption: str
    alt: str


_configured = False


def _figure_class(fonts: Path):
    """matplotlib's `Figure`, with our fonts, colours and deterministic SVG output. The
    object API, not pyplot, whose import and backend machinery cost more than drawing."""
    global _configured
    import matplotlib
    from matplotlib import font_manager
    from matplotlib.figure import Figure

    if not _configured:
        # Only our fonts: a machine's own "Noto Sans" (another version) must not win.
        font_manager.fontManager.ttflist = []
        font_manager.fontManager.afmlist = []
        for face in FACES:
            font_manager.fontManager.addfont(str(fonts / face))
        matplotlib.rcParams.update({
            "svg.hashsalt": "policy-paper", "svg.fonttype": "path",
            "font.family": "Noto Sans", "font.size": 9, "text.color": INK,
            "axes.edgecolor": "#8a96a6", "axes.labelcolor": INK, "xtick.color": INK,
            "ytick.color": INK, "axes.spines.top": False, "axes.spines.right": False,
            "hatch.color": "#1b1f24", "hatch.linewidth": 0.6,
        })
        _configured = True
    return Figure


def _svg(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight",
                metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def _legend(ax, ncol: int, below: float = -0.14):
    """The legend under the axes, clear of tick labels and the axis title."""
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, below), ncol=ncol, frameon=False,
              fontsize=8, handlelength=1.6)


def practices_by_country(a: Analysis, S: Strings, Figure) -> Chart:
    countries = [S.label("country", c) for c in a.countries]
    fig = Figure(figsize=(6.2, 3.0))
    ax = fig.subplots()
    bottom = [0] * len(a.countries)
    labels = list(a.label_totals)
    for i, label in enumerate(labels):
        values = [a.labels[c][label] for c in a.countries]
        ax.bar(countries, values, bottom=bottom, **_fill(i),
               edgecolor=INK, linewidth=0.6, label=S.label("label", label), width=0.6)
        bottom = [b + v for b, v in zip(bottom, values)]
    ax.set_ylabel(S("charts.practices_axis"))
    ax.yaxis.get_major_locator().set_params(integer=True)
    _legend(ax, len(labels))
    parts = []
    for c in a.countries:
        counts = ", ".join(f"{format_number(a.labels[c][l], S.lang)} {S.label('label', l).lower()}"
                           for l in labels if a.labels[c][l])
        parts.append(f"{S.label('country', c)}: {counts}")
    alt = S("charts.practices_alt", total=a.total) + " " + "; ".join(parts) + "."
    return Chart("practices-by-country", _svg(fig), S("charts.practices_caption"), alt)


def outcomes_by_country(a: Analysis, S: Strings, Figure) -> Chart:
    levels = a.outcome_levels
    countries = [S.label("country", c) for c in a.countries][::-1]
    fig = Figure(figsize=(6.2, 2.6))
    ax = fig.subplots()
    left = [0.0] * len(a.countries)
    for i, level in enumerate(levels):
        values = [100 * a.outcomes[c][level] for c in a.countries][::-1]
        ax.barh(countries, values, left=left, **_fill(i), edgecolor=INK, linewidth=0.6,
                height=0.6,
                label=S.label("outcome_level", level))
        left = [x + v for x, v in zip(left, values)]
    ax.set_xlim(0, 100)
    ax.set_xlabel(S("charts.share_axis"))
    _legend(ax, 3, below=-0.34)
    parts = []
    for c in a.countries:
        counts = ", ".join(f"{S.label('outcome_level', l)} {format_number(n, S.lang)}"
                           for l, n in a.outcome_counts[c].items() if n)
        parts.append(f"{S.label('country', c)}: {counts}")
    alt = S("charts.outcomes_alt") + " " + "; ".join(parts) + "."
    return Chart("outcomes-by-country", _svg(fig), S("charts.outcomes_caption"), alt)


def themes(a: Analysis, S: Strings, Figure) -> Chart:
    names = list(a.theme_matrix)
    primary = [len(a.primary_themes.get(t, [])) for t in names]
    total = [sum(a.theme_matrix[t].values()) for t in names]
    order = sorted(range(len(names)), key=lambda i: (total[i], primary[i]))
    names = [names[i] for i in order]
    primary = [primary[i] for i in order]
    other = [total[i] - primary[j] for j, i in enumerate(order)]
    labels = [S.label("theme", t) for t in names]
    fig = Figure(figsize=(6.2, 0.32 * len(names) + 0.9))
    ax = fig.subplots()
    ax.barh(labels, primary, color=GREYS[0], edgecolor=INK, linewidth=0.6, height=0.65,
            label=S("charts.primary_theme"))
    ax.barh(labels, other, left=primary, color=GREYS[2], hatch="//", edgecolor=INK,
            linewidth=0.6, height=0.65, label=S("charts.other_theme"))
    ax.set_xlabel(S("charts.practices_axis"))
    ax.xaxis.get_major_locator().set_params(integer=True)
    _legend(ax, 2, below=-0.9 / (0.32 * len(names) + 0.9))
    parts = [f"{S.label('theme', t)} {format_number(sum(a.theme_matrix[t].values()), S.lang)}"
             for t in reversed(names)]
    alt = S("charts.themes_alt") + " " + ", ".join(parts) + "."
    return Chart("themes", _svg(fig), S("charts.themes_caption"), alt)


def draw(a: Analysis, S: Strings, fonts: Path, cache: Path | None = None) -> list[Chart]:
    if not a.countries:
        return []

    def charts() -> list[Chart]:
        Figure = _figure_class(fonts)
        return [practices_by_country(a, S, Figure), outcomes_by_country(a, S, Figure),
                themes(a, S, Figure)]

    return _reused(cache, fonts, (repr(a), S.lang, repr(S.data)), charts)


def cover(title: str, subtitle: str, publisher: str, edition: str, date: str,
          fonts: Path, cache: Path | None = None) -> bytes:
    """The EPUB's cover: the book's colours and its title, drawn as paths (an e-reader
    shows the cover as an image, without the book's fonts)."""
    args = (title, subtitle, publisher, edition, date)
    return _reused(cache, fonts, args,
                   lambda: [Chart("cover", _cover(*args, fonts), "", "")])[0].svg


def _reused(cache: Path | None, fonts: Path, inputs: tuple,
            draw_them: Callable[[], list[Chart]]) -> list[Chart]:
    """The charts in `cache` if they were drawn from the same inputs, else drawn now (and
    kept there). A cache that cannot be read or written only costs the drawing."""
    if cache is None:
        return draw_them()
    key = hashlib.sha256(_drawing_digest(fonts) + repr(inputs).encode()).hexdigest()
    try:
        kept = json.loads(cache.read_text(encoding="utf-8"))
        if kept["key"] == key:
            return [Chart(c["name"], c["svg"].encode(), c["caption"], c["alt"])
                    for c in kept["charts"]]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    charts = draw_them()
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(cache, json.dumps({"key": key, "charts": [
            {"name": c.name, "svg": c.svg.decode(), "caption": c.caption, "alt": c.alt}
            for c in charts]}))
    except (OSError, PipelineError):
        pass
    return charts


@functools.lru_cache(maxsize=4)
def _drawing_digest(fonts: Path) -> bytes:
    """What every chart's look depends on besides its data: this code, matplotlib's
    version and the fonts (read once per process, not once per chart set)."""
    digest = hashlib.sha256()
    for part in (Path(__file__).read_bytes(), metadata.version("matplotlib").encode(),
                 *[(fonts / face).read_bytes() for face in FACES]):
        digest.update(hashlib.sha256(part).digest())
    return digest.digest()


def _cover(title: str, subtitle: str, publisher: str, edition: str, date: str,
           fonts: Path) -> bytes:
    import textwrap
    fig = _figure_class(fonts)(figsize=(6, 9))
    fig.patch.set_facecolor(GREYS[0])
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set_xlim(0, 6)
    ax.set_ylim(0, 9)
    ax.text(0.5, 8.3, "\n".join(textwrap.wrap(publisher.upper(), 48)), color="#cfdaea",
            fontsize=8, va="top", linespacing=1.4)
    ax.plot([0.5, 5.5], [6.2, 6.2], color="#f2c14e", linewidth=3)
    lines = textwrap.wrap(title, 18)
    ax.text(0.5, 6.0, "\n".join(lines), color="white", fontsize=30, fontweight="bold",
            va="top", linespacing=1.1)
    if subtitle:
        ax.text(0.5, 6.0 - 0.62 * len(lines) - 0.35, "\n".join(textwrap.wrap(subtitle, 42)),
                color="#e6ecf5", fontsize=12, va="top", linespacing=1.35)
    ax.text(0.5, 0.8, f"{edition}\n{date}", color="#cfdaea", fontsize=10, va="bottom",
            linespacing=1.5)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", facecolor=fig.get_facecolor(),
                metadata={"Date": None, "Creator": None})
    return buffer.getvalue()
