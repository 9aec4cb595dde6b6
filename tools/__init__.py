"""Developer tools kept outside the runtime package (scorers, benchmarks)."""
