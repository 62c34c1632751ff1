"""Shared helpers for the Brian2 reference scripts in tests/bench/.

Run the scripts with the Debian interpreter that has python3-brian:
    /usr/bin/python3 tests/bench/brian2_vogels_single.py --help

Timing conventions (see docs/benchmarks.md):
  cpp_standalone  sim_seconds  = wall time of the compiled binary ("./main"),
                                 timed by Brian2 itself around the subprocess
                                 (device.timers['run_binary']); it includes
                                 synapse creation, initialisation and writing
                                 the monitors' results, and excludes code
                                 generation and compilation.
                  loop_seconds = Brian2's own timing of Network::run inside
                                 the binary (results/last_run_info.txt,
                                 device._last_run_time): the time-step loop only.
                  peak_rss_mb  = maximum resident set size of the binary,
                                 measured with /usr/bin/time -f %M.
  runtime/cython  a run(0*ms) first does code generation (and Cython
                  compilation, cached); sim_seconds = loop_seconds = wall time
                  of the following run(duration) call. peak_rss_mb = the
                  Python process's ru_maxrss.
  total_seconds   = wall time of the whole script (imports, network
                    construction, code generation, compilation, run, analysis).
"""
import json
import os
import resource
import shutil
import sys
import tempfile
import time

T_SCRIPT_START = time.perf_counter()

TARGETS = ("runtime", "cython", "cpp_standalone")


def add_common_args(parser, duration_default):
    parser.add_argument("--duration", type=float, default=duration_default,
                        help="simulated time in seconds (default %(default)s)")
    parser.add_argument("--target", choices=TARGETS, default="cpp_standalone",
                        help="Brian2 code-generation target: runtime (= numpy), "
                             "cython, or cpp_standalone (default)")
    parser.add_argument("--seed", type=int, default=1, help="Brian2 seed (default 1)")
    parser.add_argument("--delay-ms", type=float, default=0.0,
                        help="synaptic delay of the on_pre pathways in ms (default 0; "
                             "Brian2 with delay 0 already gives the one-step latency "
                             "of metaplast's delay 0.1 ms, see docs/benchmarks.md)")
    parser.add_argument("--workdir", default=None,
                        help="standalone project directory (default: a temporary "
                             "directory that is removed afterwards)")
    parser.add_argument("--keep", action="store_true", help="keep the standalone directory")


def setup_target(args):
    """Selects the device/target. Returns the standalone directory (or None)."""
    import brian2 as b2
    workdir = None
    if args.target == "cpp_standalone":
        workdir = args.workdir or tempfile.mkdtemp(prefix="b2_standalone_")
        b2.set_device("cpp_standalone", build_on_run=False, directory=workdir)
        # 2-core machine: keep make's parallelism bounded.
        b2.prefs.devices.cpp_standalone.extra_make_args_unix = ["-j2"]
        b2.prefs.devices.cpp_standalone.openmp_threads = 0
        if os.path.exists("/usr/bin/time"):
            b2.prefs.devices.cpp_standalone.run_cmd_unix = [
                "/usr/bin/time", "-f", "%M", "-o", "results/maxrss_kb.txt", "./main"]
    elif args.target == "cython":
        b2.prefs.codegen.target = "cython"
    else:
        b2.prefs.codegen.target = "numpy"
    b2.defaultclock.dt = 0.1 * b2.ms
    b2.seed(args.seed)
    return workdir


def run_network(net, duration_s, args, workdir):
    """Runs `net` for duration_s seconds; returns a dict of timings and RSS."""
    import brian2 as b2
    info = {}
    if args.target == "cpp_standalone":
        net.run(duration_s * b2.second)  # only records the run in standalone mode
        t0 = time.perf_counter()
        b2.device.build(directory=workdir, compile=True, run=False, with_output=False)
        info["build_seconds"] = time.perf_counter() - t0
        b2.device.run(workdir, False, [])
        info["sim_seconds"] = b2.device.timers["run_binary"]
        info["loop_seconds"] = getattr(b2.device, "_last_run_time", None)
        info["timing_method"] = ("cpp_standalone binary wall time (device.timers['run_binary']);"
                                 " loop_seconds = Network::run time from results/last_run_info.txt")
        rss_file = os.path.join(workdir, "results", "maxrss_kb.txt")
        rss = None
        if os.path.exists(rss_file):
            with open(rss_file) as f:
                for line in f:
                    line = line.strip()
                    if line.isdigit():
                        rss = int(line)
        info["peak_rss_mb"] = rss / 1024.0 if rss is not None else None
        info["peak_rss_source"] = "binary (/usr/bin/time -f %M)"
    else:
        net.run(0 * b2.ms)  # code generation / compilation happen here
        t0 = time.perf_counter()
        net.run(duration_s * b2.second)
        info["sim_seconds"] = time.perf_counter() - t0
        info["loop_seconds"] = info["sim_seconds"]
        info["timing_method"] = "wall time of net.run(duration) after a run(0*ms) warm-up"
        info["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
        info["peak_rss_source"] = "python process ru_maxrss"
    info["python_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return info


def finish(result, args, workdir):
    import brian2 as b2
    result["brian2_version"] = b2.__version__
    result["total_seconds"] = time.perf_counter() - T_SCRIPT_START
    if workdir and not args.keep and not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)
    json.dump(result, sys.stdout, indent=1)
    sys.stdout.write("\n")
    sys.stdout.flush()
