"""Tools for developers of the toolchain, not part of any book's build: the benchmark
(`pipeline bench`, `make bench`) and the synthetic corpus it builds (`pipeline corpus`).
Editing them rebuilds nothing."""
