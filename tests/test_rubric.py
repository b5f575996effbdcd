"""The rubric as the spec defines it: weighted total, maximum 39, computed label."""

import pytest

from pipeline.rubric import MAX_TOTAL, assess

BASE = {"C1": 0, "C2": 0, "C3": 0, "C4": 0, "C5": 0, "C6": 0, "C7": 0, "C8": 0, "C9": 0, "C10": 0}


def scores(**values):
    return {**BASE, **values}


def test_maximum_and_weights():
    assert MAX_TOTAL == 39
    assert assess(scores(C2=1)).total == 2
    assert assess(scores(C1=1, C5=1, C6=1, C7=1, C8=1, C9=1, C10=1)).total == 7
    assert assess({c: 3 for c in BASE}).total == 39


@pytest.mark.parametrize("values, label", [
    # 28/39 = 71.8 % with C2, C3, C4 at 2: best
    (dict(C1=3, C2=2, C3=3, C4=2, C5=3, C6=3, C7=3, C8=3, C9=0, C10=0), "best"),
    # 27/39 = 69.2 %: just under 70 %: good
    (dict(C1=3, C2=2, C3=3, C4=2, C5=3, C6=3, C7=3, C8=1, C9=0, C10=0), "good"),
    # 33/39 but C4 = 1: not best despite the total
    (dict(C1=3, C2=3, C3=3, C4=1, C5=3, C6=3, C7=3, C8=3, C9=3, C10=3), "good"),
    # 20/39 = 51.3 %: good
    (dict(C1=2, C2=2, C3=2, C4=2, C5=2, C6=2, C7=2), "good"),
    # 19/39 = 48.7 %: promising
    (dict(C1=1, C2=2, C3=2, C4=2, C5=2, C6=2, C7=2), "promising"),
])
def test_label_thresholds(values, label):
    assert assess(scores(**values)).label == label


def test_percent():
    assert round(assess(scores(C1=3, C2=3, C3=3, C4=3, C5=3, C6=3, C7=3, C8=3, C9=3, C10=3)).percent) == 100
