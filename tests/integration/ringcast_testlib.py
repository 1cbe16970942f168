"""Shared helpers for ringcast's integration scenarios: temporary directories, free ports,
starting and always stopping the binaries."""

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True, help="the build's bin/ directory")
    return parser.parse_args()


@contextlib.contextmanager
def temporary_directory():
    path = tempfile.mkdtemp(prefix="ringcast-test-")
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def free_udp_port_range(count):
    """A base port with `count` consecutive free UDP ports on 127.0.0.1, chosen from the
    kernel's ephemeral range so parallel tests do not collide."""
    for _ in range(200):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.bind(("127.0.0.1", 0))
            base = probe.getsockname()[1]
        if base + count > 65535:
            continue
        sockets = []
        try:
            for offset in range(count):
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                sockets.append(s)
                s.bind(("127.0.0.1", base + offset))
            return base
        except OSError:
            continue
        finally:
            for s in sockets:
                s.close()
    raise RuntimeError("no free UDP port range")


def allowed_cores(limit):
    return sorted(os.sched_getaffinity(0))[:limit]


class Process:
    """A started binary that is always stopped: SIGTERM on exit, SIGKILL if it lingers."""

    def __init__(self, argv, cwd=None):
        self.argv = argv
        self.log_path = tempfile.mktemp(prefix="ringcast-log-")
        self.log = open(self.log_path, "w+")
        self.popen = subprocess.Popen(argv, cwd=cwd, stdout=self.log, stderr=subprocess.STDOUT)

    @property
    def pid(self):
        return self.popen.pid

    def output(self):
        self.log.flush()
        with open(self.log_path) as f:
            return f.read()

    def terminate(self, timeout=5.0):
        """SIGTERM; returns (exit code, seconds it took)."""
        started = time.monotonic()
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
        try:
            code = self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            code = self.popen.wait()
        return code, time.monotonic() - started

    def close(self):
        if self.popen.poll() is None:
            self.popen.kill()
            self.popen.wait()
        self.log.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.log_path)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def wait_until(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def run_json(argv, timeout=10):
    completed = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    if completed.returncode != 0:
        raise AssertionError(f"{argv} failed ({completed.returncode}): {completed.stderr}")
    return json.loads(completed.stdout)
