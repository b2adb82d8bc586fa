#!/usr/bin/env python3
"""Runs one command as a direct child and prints its exact resource use, for footprint.sh.

  cpurun.py --timeout SECONDS --out FILE -- COMMAND [ARG...]

prints one line: <exit status> <wall us> <user+sys CPU us> <peak RSS KiB>
(exit status 128+N when killed by signal N; 124 when the timeout killed it).

Why: `/usr/bin/time -v` prints user and system time in hundredths of a second, and a
ddnsup run on x86 takes a millisecond or two of CPU, so it reads 0.00. wait4() returns the
same rusage with microsecond fields. The command's stdout and stderr go to FILE. Only the
spawn and the wait are timed (Python's own start-up is not).
"""

import argparse
import os
import signal
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--timeout", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("command", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not cmd:
        ap.error("no command")

    out = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
        (os.POSIX_SPAWN_DUP2, out, 1),
        (os.POSIX_SPAWN_DUP2, out, 2),
        (os.POSIX_SPAWN_CLOSE, out),
    ]
    child = {"pid": None, "timed_out": False}

    def on_alarm(_sig, _frame):
        child["timed_out"] = True
        if child["pid"] is not None:
            os.kill(child["pid"], signal.SIGKILL)

    def on_term(sig, _frame):
        if child["pid"] is not None:
            os.kill(child["pid"], signal.SIGKILL)
        os._exit(128 + sig)

    signal.signal(signal.SIGALRM, on_alarm)
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    signal.alarm(args.timeout)
    t0 = time.perf_counter_ns()
    child["pid"] = os.posix_spawnp(cmd[0], cmd, os.environ, file_actions=actions)
    _, status, ru = os.wait4(child["pid"], 0)
    t1 = time.perf_counter_ns()
    signal.alarm(0)
    os.close(out)

    if child["timed_out"]:
        rc = 124
    elif os.WIFSIGNALED(status):
        rc = 128 + os.WTERMSIG(status)
    else:
        rc = os.WEXITSTATUS(status)
    cpu_us = round((ru.ru_utime + ru.ru_stime) * 1e6)
    print(f"{rc} {(t1 - t0) // 1000} {cpu_us} {ru.ru_maxrss}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
