"""Start a program under OS resource limits (used as the grading kernelspec's argv prefix).

    python3 limited.py --data-mb N [--cpu-s S] [--fsize-mb N] [--nofile N] [--log FILE] [--probe FILE] -- PROGRAM ARGS...

Used only where bubblewrap is missing (a student's `check` on their own machine); grading uses sandbox.py.

RLIMIT_DATA caps private writable memory (heap, ArrayBuffers, wasm memory once committed) but not
V8's large PROT_NONE address-space reservations, so it is a usable memory cap for Node where
RLIMIT_AS is not (V8 and WebAssembly reserve gigabytes of virtual address space up front).
The program replaces this process (execv), so the kernel manager's signals (SIGINT interrupt,
SIGKILL) reach it directly.
"""
import os
import sys


def main(argv):
    try:
        import resource
    except ImportError:  # Windows: no rlimits; run unlimited (the grader still watches time and output)
        resource = None
    if "--" not in argv:
        sys.stderr.write(__doc__)
        return 2
    sep = argv.index("--")
    opts, prog = argv[:sep], argv[sep + 1 :]
    limits, log, probe = {}, None, None
    i = 0
    while i < len(opts):
        if opts[i] == "--log":
            log = opts[i + 1]
        elif opts[i] == "--probe":
            probe = opts[i + 1]
        else:
            limits[opts[i]] = int(opts[i + 1])
        i += 2
    if resource is not None:
        if "--data-mb" in limits and hasattr(resource, "RLIMIT_DATA"):
            n = limits["--data-mb"] * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_DATA, (n, n))
        if "--cpu-s" in limits:
            n = limits["--cpu-s"]
            resource.setrlimit(resource.RLIMIT_CPU, (n, n + 5))
        if "--fsize-mb" in limits:
            n = limits["--fsize-mb"] * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_FSIZE, (n, n))
        if "--nofile" in limits:
            n = limits["--nofile"]
            resource.setrlimit(resource.RLIMIT_NOFILE, (n, n))
        # No core dumps from a crashed kernel.
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if log:
        # The kernel's own stdout/stderr (fatal V8 errors, crash traces) go to a log file, not the grader's terminal.
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.close(fd)
    if probe:
        # the grader's probe channel (see sandbox.py): fd 3, opened here, not a path the kernel is told
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        if fd != 3:
            os.dup2(fd, 3)
            os.close(fd)
        os.set_inheritable(3, True)
    os.execv(prog[0], prog)
    return 127


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
