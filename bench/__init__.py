"""Storyloom benchmarks: each module prints ratios measured side by side in one run (never timed unit tests)."""
