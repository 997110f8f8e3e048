"""koe's evaluation: a hand-labelled Japanese set and the harness that measures the analysis on it."""
