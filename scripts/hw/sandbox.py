"""Start one grading kernel inside a bubblewrap sandbox (the grading kernelspec's argv).

    python3 sandbox.py --config SANDBOX.json -- CONNECTION_FILE

SANDBOX.json (written by the grader, outside the sandbox; never visible inside it):
    kit         folder whose files the kernel may read, mounted read-only at the same path inside
                (it holds links-free copies or read-only binds: kernel/, node_modules/, src/, homework/lib/hwcheck.ts)
    binds       [[host path, sandbox path], ...] extra read-only binds (node, node_modules, src, ...)
    conn_dir    the folder holding this kernel's connection file and its ZeroMQ ipc sockets (read-write bind,
                same path inside and outside: the only channel between kernel and grader)
    probe_file  file the kernel's probe values go to; opened here and handed in as fd 3 (the file itself
                is not mounted: the kernel holds only the descriptor)
    limit_token the token of the kernel preload's output-limit notice, handed in on a pipe as fd 4 (read and
                closed by kernel-preload.cjs before any cell runs)
    log_file    the kernel's own stdout/stderr (crash traces), outside the sandbox
    cgroup      {"memory": dir, "pids": dir} created by the grader, or null (rlimits only)
    limits      {"data_mb", "cpu_s", "fsize_mb", "nofile", "nproc"}
    conn_limit_mb  the connection folder's size past which the kernel is killed (see watch_conn_dir)
    conn_limit_mark  the line written to the log when that happens
    argv        the kernel command inside the sandbox ("{connection_file}" replaced)
    env         environment inside the sandbox (nothing else is passed)

The kernel gets its own PID, network, IPC, UTS, cgroup, user and mount namespaces (bwrap --unshare-all),
no network at all, a private tmpfs /tmp, and runs as PID 1 of its namespace (--as-pid-1): when it
exits every process it started is killed by the kernel, and --die-with-parent kills the sandbox when
this process dies. This process stays outside, forwards SIGINT (Jupyter's interrupt) to the kernel
only (bwrap runs in its own session, so a process-group signal never reaches bwrap itself), and
exits with the kernel's status.
"""
import json
import os
import signal
import subprocess
import sys
import time


HIDDEN_PACKAGES = ("tsx", "esbuild", "@esbuild", "typescript")


def join_cgroup(cg):
    if not cg:
        return
    pid = str(os.getpid())
    for d in cg.values():
        with open(os.path.join(d, "cgroup.procs"), "w") as f:
            f.write(pid)


def set_rlimits(lim):
    import resource

    def cap(which, n):
        resource.setrlimit(which, (n, n))

    if lim.get("data_mb"):
        cap(resource.RLIMIT_DATA, int(lim["data_mb"]) << 20)
    if lim.get("cpu_s"):
        n = int(lim["cpu_s"])
        resource.setrlimit(resource.RLIMIT_CPU, (n, n + 5))
    if lim.get("fsize_mb"):
        cap(resource.RLIMIT_FSIZE, int(lim["fsize_mb"]) << 20)
    if lim.get("nofile"):
        cap(resource.RLIMIT_NOFILE, int(lim["nofile"]))
    cap(resource.RLIMIT_CORE, 0)


def bwrap_argv(cfg, connection_file):
    a = ["bwrap", "--unshare-all", "--unshare-user", "--uid", "1000", "--gid", "1000", "--die-with-parent",
         "--as-pid-1", "--new-session", "--cap-drop", "ALL", "--hostname", "grading",
         "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--dir", "/tmp/home"]
    # the system's shared libraries (node links against them); nothing of /etc, /home, /root, /work
    for d in ("/usr", "/lib", "/lib64", "/bin"):
        if os.path.exists(d):
            a += ["--ro-bind", d, d] if not os.path.islink(d) else ["--symlink", os.readlink(d), d]
    for host, inside in cfg["binds"]:
        a += ["--ro-bind", host, inside]
        if inside.endswith("/node_modules"):
            # TypeScript loaders the kernel never uses (tslab compiles with its own bundled
            # @tslab/typescript-for-tslab): with them a cell could load a second, untouched copy of src/
            # (require("tsx/cjs/api").require(...)), which the guard's trap on forbidden classes never saw
            for pkg in HIDDEN_PACKAGES:
                if os.path.exists(os.path.join(host, pkg)):
                    a += ["--tmpfs", inside + "/" + pkg]
    a += ["--bind", cfg["conn_dir"], cfg["conn_dir"]]
    a += ["--chdir", cfg["cwd"]]
    a += ["--clearenv"]
    for k, v in cfg["env"].items():
        a += ["--setenv", k, v]
    a += ["--"] + [connection_file if x == "{connection_file}" else x for x in cfg["argv"]]
    return a


def token_fd(token):
    """fd 4: a pipe holding the limit token and nothing else (write end closed). kernel-preload.cjs reads and
    closes it before the kernel runs any cell, so submitted code never sees the token and cannot write an
    output-limit notice the grader accepts (the token is in no file, argument or variable of the sandbox)."""
    r, w = os.pipe()
    os.write(w, (token or "").encode("ascii"))
    os.close(w)
    if r != 4:
        os.dup2(r, 4)
        os.close(r)
    os.set_inheritable(4, True)


def main(argv):
    if len(argv) != 4 or argv[0] != "--config" or argv[2] != "--":
        sys.stderr.write(__doc__)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        cfg = json.load(f)
    connection_file = argv[3]
    try:  # die with the grader process that started this kernel, whatever kills it
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    join_cgroup(cfg.get("cgroup"))
    set_rlimits(cfg["limits"])
    probe = os.open(cfg["probe_file"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    if probe != 3:
        os.dup2(probe, 3)
        os.close(probe)
    os.set_inheritable(3, True)
    token_fd(cfg.get("limit_token"))
    log = os.open(cfg["log_file"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    proc = subprocess.Popen(bwrap_argv(cfg, connection_file), stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                            pass_fds=(3, 4), start_new_session=True)
    os.close(3)
    os.close(4)
    os.close(log)

    def forward(signum, _frame):
        try:
            # the kernel is PID 1 of its namespace; from here it is bwrap's child
            for child in children(proc.pid):
                os.kill(child, signum)
        except OSError:
            pass

    def stop(signum, _frame):
        try:
            proc.kill()
        except OSError:
            pass

    signal.signal(signal.SIGINT, forward)
    signal.signal(signal.SIGTERM, stop)
    watch_conn_dir(cfg, proc)
    while True:
        try:
            return proc.wait()
        except InterruptedError:
            continue


def conn_dir_bytes(d):
    n = 0
    try:
        with os.scandir(d) as it:
            for e in it:
                try:
                    st = e.stat(follow_symlinks=False)
                    n += st.st_blocks * 512 if e.is_file(follow_symlinks=False) else 0
                except OSError:
                    pass
    except OSError:
        pass
    return n


def watch_conn_dir(cfg, proc):
    """The connection folder is the sandbox's one read-write place on the host. As root the grader mounts a
    1 MB tmpfs on it; otherwise this thread checks its size every 0.2 s and, past conn_limit_mb, kills the
    kernel and notes it in the log (the grader flags disk-limit when it sees the kernel died). Between two
    checks a kernel can still write what the disk takes in 0.2 s (RLIMIT_FSIZE caps each file at 64 MB)."""
    limit = int(cfg.get("conn_limit_mb") or 0) << 20
    if not limit:
        return
    import threading

    def run():
        while proc.poll() is None:
            if conn_dir_bytes(cfg["conn_dir"]) > limit:
                try:
                    with open(cfg["log_file"], "a", encoding="utf-8") as f:
                        f.write("\n%s\n" % cfg.get("conn_limit_mark", "connection folder over its limit"))
                except OSError:
                    pass
                for child in children(proc.pid):
                    try:
                        os.kill(child, signal.SIGKILL)  # the kernel is PID 1 of its namespace: all of it dies
                    except OSError:
                        pass
                try:
                    proc.kill()
                except OSError:
                    pass
                return
            time.sleep(0.2)

    threading.Thread(target=run, daemon=True).start()


def children(pid):
    out = []
    try:
        for tid in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/children" % (pid, tid)) as f:
                out += [int(x) for x in f.read().split()]
    except OSError:
        pass
    return out


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
