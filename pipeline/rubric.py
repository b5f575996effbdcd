"""The assessment rubric of the policy paper, as data and as code.

The methodology annex is rendered from `CRITERIA` and the thresholds below, so the text
the reader sees and the computation cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

# code -> weight; criterion names are interface strings (`rubric.C1` ...).
CRITERIA: dict[str, int] = {
    "C1": 1, "C2": 2, "C3": 2, "C4": 2, "C5": 1,
    "C6": 1, "C7": 1, "C8": 1, "C9": 1, "C10": 1,
}
SCORE_MIN, SCORE_MAX = 0, 3
MAX_TOTAL = SCORE_MAX * sum(CRITERIA.values())  # 39
BEST_SHARE = Fraction(70, 100)
GOOD_SHARE = Fraction(50, 100)
BEST_REQUIRES = ("C2", "C3", "C4")  # each at least BEST_MIN_SCORE for a best practice
BEST_MIN_SCORE = 2
LABELS = ("best", "good", "promising")


@dataclass(frozen=True)
class Assessment:
    total: int
    maximum: int
    label: str

    @property
    def percent(self) -> float:
        return 100 * self.total / self.maximum


def assess(scores: dict[str, int]) -> Assessment:
    """Weighted total and computed label of a record's consensus scores."""
    total = sum(CRITERIA[code] * scores[code] for code in CRITERIA)
    share = Fraction(total, MAX_TOTAL)
    if share >= BEST_SHARE and all(scores[c] >= BEST_MIN_SCORE for c in BEST_REQUIRES):
        label = "best"
    elif share >= GOOD_SHARE:
        label = "good"
    else:
        label = "promising"
    return Assessment(total, MAX_TOTAL, label)
