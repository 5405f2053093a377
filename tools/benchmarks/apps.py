from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """The benchmark commands (bench_dataset, bench_search, bench_scale)."""

    name = "tools.benchmarks"
    label = "benchmarks"
    verbose_name = "Benchmarks"
