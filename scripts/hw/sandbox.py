"""Start one grading kernel inside a bubblewrap sandbox (the grading kernelspec's argv).

    python3 sandbox.py --config SANDBOX.json -- CONNECTION_FILE
    python3 sandbox.py --config SANDBOX.json            (a command that is no kernel: the compile cache's warm-up)

SANDBOX.json (written by the grader, outside the sandbox; never visible inside it):
    binds       [[host path, sandbox path], ...] read-only binds: what the kernel may read (node_modules/, src/,
                kernel/, homework/lib/hwcheck.ts, the preload, node; see kitBinds in execute.ts)
    rw_binds    [[host path, sandbox path], ...] read-write binds (optional; only the grader's own warm-up of
                the compile cache has one, never a kernel that runs submitted code)
    conn_dir    the folder holding this kernel's connection file and its ZeroMQ ipc sockets (read-write bind,
                same path inside and outside: the only channel between kernel and grader); null without a kernel
    probe_file  file the kernel's probe values go to; opened here and handed in as fd 3 (the file itself
                is not mounted: the kernel holds only the descriptor); null without a kernel
    log_file    the kernel's own stdout/stderr (crash traces), outside the sandbox
    cgroup      {"memory": dir, "pids": dir} created by the grader, or null (rlimits only)
    limits      {"data_mb", "cpu_s", "fsize_mb", "nofile", "nproc"}
    conn_limit_mb  the connection folder's size past which the kernel is killed (see watch_conn_dir)
    conn_limit_mark  the line written to the log when that happens
    argv        the kernel command inside the sandbox ("{connection_file}" replaced)
    env         environment inside the sandbox (nothing else is passed)

The kernel gets its own PID, network, IPC, UTS, cgroup, user and mount namespaces (bwrap --unshare-all),
no network but its own loopback, a private tmpfs /tmp, and runs as PID 1 of its namespace (--as-pid-1): when it
exits every process it started is killed by the kernel, and --die-with-parent kills the sandbox when
this process dies. This process stays outside, forwards SIGINT (Jupyter's interrupt) to the kernel
only (bwrap runs in its own session, so a process-group signal never reaches bwrap itself), and
exits with the kernel's status.

A seccomp filter (bwrap --seccomp) makes socket(AF_INET / AF_INET6) fail with EPERM for the kernel and
every process it starts: the kernel talks to the grader over ZeroMQ's ipc transport (AF_UNIX) and needs no
TCP, and without it nothing in the sandbox can listen on or connect to its loopback, in particular the
inspector port Node opens on SIGUSR1 (127.0.0.1:9229; Node 20 cannot turn that off), which would let a
child or the kernel itself read every closure of the kernel. io_uring_setup (whose IORING_OP_SOCKET would
pass by the filter) and x32 system calls fail too; on x86_64 and aarch64 the 32-bit compat calls are filtered
the same way (socketcall refused). On another architecture the kernel runs without the filter (the grader
notes it in run.json; kernel-preload.cjs still refuses the inspector and SIGUSR1 inside the kernel).
"""
import json
import os
import signal
import struct
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


def bwrap_argv(cfg, connection_file, seccomp=None):
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
    for host, inside in cfg.get("rw_binds") or []:
        a += ["--bind", host, inside]
    if cfg.get("conn_dir"):
        a += ["--bind", cfg["conn_dir"], cfg["conn_dir"]]
    a += ["--chdir", cfg["cwd"]]
    if seccomp is not None:
        a += ["--seccomp", str(seccomp)]
    a += ["--clearenv"]
    for k, v in cfg["env"].items():
        a += ["--setenv", k, v]
    a += ["--"] + [connection_file if x == "{connection_file}" else x for x in cfg["argv"]]
    return a


# classic BPF (linux/filter.h, linux/seccomp.h)
BPF_LD_W_ABS, BPF_JEQ_K, BPF_JGE_K, BPF_RET_K = 0x20, 0x15, 0x35, 0x06
SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO, EPERM = 0x7FFF0000, 0x00050000, 1
AF_INET, AF_INET6 = 2, 10
X32_SYSCALL_BIT = 0x40000000
IO_URING_SETUP = 425  # the same number on every architecture below
# AUDIT_ARCH value: (socket's number, numbers refused outright, refuse x32 calls)
ARCHES = {
    "x86_64": {0xC000003E: (41, [IO_URING_SETUP], True), 0x40000003: (359, [102, IO_URING_SETUP], False)},  # + i386 (102 socketcall)
    "aarch64": {0xC00000B7: (198, [IO_URING_SETUP], False), 0x40000028: (281, [102, IO_URING_SETUP], False)},  # + arm (EABI)
}


def seccomp_program(machine):
    """The filter as bytes of struct sock_filter {u16 code; u8 jt; u8 jf; u32 k}, or None for an unknown
    machine. seccomp_data: nr at offset 0, arch at 4, args[0] (low 32 bits, little-endian) at 16."""
    arches = ARCHES.get(machine)
    if not arches:
        return None
    prog = []  # (code, jt label or None, jf label or None, k); labels resolved below
    labels = {}

    def op(code, k, jt=None, jf=None):
        prog.append((code, jt, jf, k))

    op(BPF_LD_W_ABS, 4)
    for i, arch in enumerate(arches):
        op(BPF_JEQ_K, arch, jt="arch%d" % i)
    op(BPF_RET_K, SECCOMP_RET_ALLOW)  # another ABI: passed
    for i, (arch, (sock, refused, x32)) in enumerate(arches.items()):
        labels["arch%d" % i] = len(prog)
        op(BPF_LD_W_ABS, 0)
        if x32:
            op(BPF_JGE_K, X32_SYSCALL_BIT, jt="deny")
        for nr in refused:
            op(BPF_JEQ_K, nr, jt="deny")
        op(BPF_JEQ_K, sock, jt="socket")
        op(BPF_RET_K, SECCOMP_RET_ALLOW)
    labels["socket"] = len(prog)
    op(BPF_LD_W_ABS, 16)
    op(BPF_JEQ_K, AF_INET, jt="deny")
    op(BPF_JEQ_K, AF_INET6, jt="deny")
    op(BPF_RET_K, SECCOMP_RET_ALLOW)
    labels["deny"] = len(prog)
    op(BPF_RET_K, SECCOMP_RET_ERRNO | EPERM)
    out = b""
    for pc, (code, jt, jf, k) in enumerate(prog):
        rel = lambda lab: 0 if lab is None else labels[lab] - pc - 1  # noqa: E731
        assert 0 <= rel(jt) < 256 and 0 <= rel(jf) < 256
        out += struct.pack("=HBBI", code, rel(jt), rel(jf), k)
    return out


def seccomp_fd():
    """A pipe's read end holding the filter (bwrap reads it whole), or None on an unknown machine."""
    prog = seccomp_program(os.uname().machine)
    if prog is None:
        return None
    r, w = os.pipe()
    os.write(w, prog)  # well under a pipe's buffer
    os.close(w)
    return r


def main(argv):
    if not (len(argv) == 4 and argv[0] == "--config" and argv[2] == "--") and not (len(argv) == 2 and argv[0] == "--config"):
        sys.stderr.write(__doc__)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        cfg = json.load(f)
    connection_file = argv[3] if len(argv) == 4 else None
    if connection_file is None and "{connection_file}" in cfg["argv"]:
        sys.stderr.write("sandbox.py: the command needs a connection file (--config SANDBOX.json -- CONNECTION_FILE)\n")
        return 2
    try:  # die with the grader process that started this kernel, whatever kills it
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    join_cgroup(cfg.get("cgroup"))
    set_rlimits(cfg["limits"])
    fds = ()
    if cfg.get("probe_file"):
        probe = os.open(cfg["probe_file"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        if probe != 3:
            os.dup2(probe, 3)
            os.close(probe)
        os.set_inheritable(3, True)
        fds = (3,)
    log = os.open(cfg["log_file"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    filt = seccomp_fd()
    argv = bwrap_argv(cfg, connection_file, filt)
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                            pass_fds=fds if filt is None else fds + (filt,), start_new_session=True)
    if fds:
        os.close(3)
    if filt is not None:
        os.close(filt)
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
    if not limit or not cfg.get("conn_dir"):
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
