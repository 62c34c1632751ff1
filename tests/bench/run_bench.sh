#!/bin/sh
# metaplast vs Brian2 benchmark; see tests/bench/run_bench.py and docs/benchmarks.md.
# Usage: tests/bench/run_bench.sh [BUILD_DIR] [--cases single,single_x10,coba]
#        [--brian2-targets cpp_standalone,cython] [--json FILE] [--quick SECONDS]
exec /usr/bin/python3 "$(dirname "$0")/run_bench.py" "$@"
