"""The progress bar: drawn on a terminal, silent otherwise, and it yields every item."""
import io

from analysis.progress import progress


def test_bar_counts_to_total_when_enabled():
    out = io.StringIO()
    assert list(progress(range(4), 4, "reps", stream=out, width=8, enabled=True)) == [0, 1, 2, 3]
    frames = out.getvalue().split("\r")[1:]
    assert len(frames) == 5  # before the first item and after each
    assert frames[0].startswith("reps [........] 0/4")
    assert frames[2].startswith("reps [####....] 2/4")
    assert frames[-1].startswith("reps [########] 4/4") and frames[-1].endswith("\n")


def test_bar_is_silent_off_a_terminal():
    out = io.StringIO()  # not a tty
    assert list(progress("abc", 3, "x", stream=out)) == ["a", "b", "c"]
    assert out.getvalue() == ""
