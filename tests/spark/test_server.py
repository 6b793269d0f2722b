"""The local Spark server (pipeline/spark/server.py) does not outlive the process that started it."""
import os
import signal
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SERVER = os.path.join(REPO, "pipeline", "spark", "server.py")

# The parent (Node in real use): starts the server (answers on fd 3, here discarded), prints its pid, waits.
PARENT = """
import os, subprocess, sys
os.dup2(os.open(os.devnull, os.O_WRONLY), 3)
server = subprocess.Popen([sys.executable, sys.argv[1]], stdin=sys.stdin, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL, pass_fds=(3,))
print(server.pid, flush=True)
server.wait()
"""


def children(pid):
    """Pids whose parent is `pid` (Linux /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    stat = f.read()
            except OSError:
                continue
            if int(stat[stat.rindex(")") + 2:].split()[1]) == pid:
                found.append(int(entry))
    return found


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def wait_until(condition, seconds):
    end = time.time() + seconds
    while time.time() < end:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def test_server_and_its_jvm_end_when_the_parent_is_killed_while_stdin_stays_open():
    # stdin stays open (this test holds the pipe): only the parent's death can end the server.
    stdin_r, stdin_w = os.pipe()
    parent = subprocess.Popen([sys.executable, "-c", PARENT, SERVER], stdin=stdin_r, stdout=subprocess.PIPE,
                              cwd=REPO)
    os.close(stdin_r)
    server, jvm = None, []
    try:
        server = int(parent.stdout.readline())
        # The server's JVM (SparkSession start-up) exists: the parent dies in the middle of it.
        assert wait_until(lambda: len(children(server)) > 0, 120), "the server started no JVM"
        jvm = children(server)
        parent.kill()
        parent.wait()
        assert wait_until(lambda: not alive(server), 30), "the server outlived its parent"
        assert wait_until(lambda: not any(alive(p) for p in jvm), 60), "the JVM outlived the server"
    finally:
        os.close(stdin_w)
        parent.kill()
        for pid in [server, *jvm]:  # on failure, nothing left running
            if pid and alive(pid):
                os.kill(pid, signal.SIGKILL)
