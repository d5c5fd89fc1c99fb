"""LIGAT benchmarks (`make bench`): figures as ratios against floors measured in the same run.

Benchmarks report, tests assert: a MISS is printed, never raised; the exit code is non-zero only
when the harness itself crashed. See bench/README.md.
"""
