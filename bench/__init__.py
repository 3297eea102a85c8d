"""Benchmarks (issue 7): ``python -m bench.run --tier demo|district|city``; docs/BENCHMARKS.md."""
