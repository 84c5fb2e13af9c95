"""Benchmark: the service against a hand-written baseline, reported as ratios."""
