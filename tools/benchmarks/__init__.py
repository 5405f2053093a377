"""Benchmark tooling (docs/benchmarks.md): commands that fill a database with a large
article set and measure pages and searches against it.

Not part of the product: installed only when BENCHMARKS=true (tools/bench.py and the
commands in docs/benchmarks.md set it).
"""
