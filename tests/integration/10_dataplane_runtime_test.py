#!/usr/bin/env python3
"""Scenario 10: the data plane's shard runtime and control socket.

Starts ringcast-dataplane with two shards, checks through `ringcastctl info --json` and
/proc/PID/task/*/status that each shard thread is pinned to its core, that GetStats gathers
counters from every shard (the cross-shard queues work), that UDP datagrams land on the shard
that owns the port, that garbage on the control socket closes only that connection, that
configuration errors exit 2 naming the key, and that SIGTERM exits 0 within a second."""

import os
import socket
import struct
import subprocess
import sys
import time

from ringcast_testlib import (Process, allowed_cores, free_udp_port_range, parse_args, run_json,
                              temporary_directory, wait_until)


def write_config(directory, cores, port_base, extra=""):
    path = os.path.join(directory, "ringcast.toml")
    with open(path, "w") as f:
        f.write(f"""[dataplane]
listen_ip = "127.0.0.1"
announced_ip = "127.0.0.1"
udp_port_base = {port_base}
cores = [{", ".join(str(c) for c in cores)}]
control_socket = "{directory}/dataplane.sock"
sqpoll = false
{extra}""")
    return path


def ctl(bin_dir, sock, *args):
    return run_json([f"{bin_dir}/ringcastctl", "--socket", sock, *args, "--json"])


def shard_threads(pid):
    """{thread name: allowed cpu list} for every thread of `pid`."""
    threads = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/status") as f:
            fields = dict(line.split(":\t", 1) for line in f.read().splitlines() if ":\t" in line)
        threads[fields["Name"].strip()] = fields["Cpus_allowed_list"].strip()
    return threads


def send_raw(sock_path, payload, read_reply=False):
    """Connects, sends raw bytes, and returns what the data plane did: 'closed' or the bytes."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(3)
    s.connect(sock_path)
    s.sendall(payload)
    if not read_reply:
        s.shutdown(socket.SHUT_WR)
    try:
        data = s.recv(65536)
    finally:
        s.close()
    return "closed" if data == b"" else data


def check_config_errors(bin_dir, directory, cores, port_base):
    dataplane = f"{bin_dir}/ringcast-dataplane"

    def run_with(config_text_extra=None, path=None):
        config = path or write_config(directory, cores, port_base, config_text_extra or "")
        done = subprocess.run([dataplane, "--config", config], capture_output=True, text=True,
                              timeout=10)
        return done.returncode, done.stderr

    code, err = run_with("listen_port = 5\n")
    assert code == 2 and "dataplane.listen_port" in err and "line 8" in err, (code, err)

    code, err = run_with(path=os.path.join(directory, "missing.toml"))
    assert code == 2 and "missing.toml" in err, (code, err)

    bad_cores = write_config(directory, [cores[0], 1023], port_base)
    code, err = run_with(path=bad_cores)
    assert code == 2 and "dataplane.cores[1]" in err and "1023" in err, (code, err)

    blocker = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    blocker.bind(("127.0.0.1", port_base + len(cores) - 1))
    try:
        code, err = run_with()
    finally:
        blocker.close()
    assert code == 2 and "dataplane.udp_port_base" in err and "in use" in err, (code, err)
    assert not os.path.exists(os.path.join(directory, "dataplane.sock")), \
        "a refused start must leave nothing behind"


def main():
    args = parse_args()
    bin_dir = args.bin
    cores = allowed_cores(2)
    with temporary_directory() as directory:
        port_base = free_udp_port_range(len(cores))
        check_config_errors(bin_dir, directory, cores, port_base)

        config = write_config(directory, cores, port_base)
        sock = os.path.join(directory, "dataplane.sock")
        with Process([f"{bin_dir}/ringcast-dataplane", "--config", config]) as dataplane:
            wait_until(lambda: os.path.exists(sock), 10, "the control socket")
            info = ctl(bin_dir, sock, "info")
            assert info["pid"] == dataplane.pid, info
            shards = info["shards"]
            assert [s["index"] for s in shards] == list(range(len(cores))), shards
            assert [s["core"] for s in shards] == cores, shards
            assert [s["udp_port"] for s in shards] == [port_base + i for i in range(len(cores))]

            threads = shard_threads(dataplane.pid)
            for shard in shards:
                name = f"shard-{shard['index']}"
                assert name in threads, threads
                assert threads[name] == str(shard["core"]), (name, threads[name], shard)

            # Datagrams land on the shard whose port they were sent to.
            sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            for shard in shards:
                for _ in range(10 * (shard["index"] + 1)):
                    sender.sendto(b"x" * 100, ("127.0.0.1", shard["udp_port"]))
            sender.close()

            def counted():
                stats = ctl(bin_dir, sock, "stats")["shards"]
                got = [s["counters"]["rx_datagrams"] for s in stats]
                return got if got == [10 * (i + 1) for i in range(len(cores))] else None
            wait_until(counted, 5, "every shard to count its datagrams")

            # Hostile control traffic: each case closes its own connection, nothing else.
            assert send_raw(sock, b"\x00\x00\x00\x05hello") == "closed"
            assert send_raw(sock, struct.pack(">I", 0x7FFFFFFF) + b"x" * 64) == "closed"
            assert send_raw(sock, struct.pack(">I", 100) + b"partial") == "closed"
            assert send_raw(sock, os.urandom(4096)) == "closed"
            # A well-formed request before Hello gets an error response, not a crash.
            get_stats_first = bytes([0x12, 0x02, 0x1a, 0x00])  # Envelope{request{get_stats{}}}
            reply = send_raw(sock, struct.pack(">I", len(get_stats_first)) + get_stats_first,
                             read_reply=True)
            assert reply != "closed" and b"must be Hello" in reply, reply
            # A connection left holding half a frame does not block the others.
            idle = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            idle.connect(sock)
            idle.sendall(struct.pack(">I", 1000) + b"half")
            info_again = ctl(bin_dir, sock, "info")
            assert info_again["pid"] == dataplane.pid
            stats = ctl(bin_dir, sock, "stats")
            assert len(stats["shards"]) == len(cores)
            idle.close()
            log = dataplane.output()
            assert "frame larger than 4 MiB" in log, log
            assert "frame payload is not a valid Envelope" in log, log
            assert "stream ended inside a frame" in log, log

            code, seconds = dataplane.terminate()
            assert code == 0, (code, dataplane.output())
            assert seconds < 1.0, f"SIGTERM took {seconds:.2f}s"
            assert not os.path.exists(sock), "the control socket is removed on exit"
    print("dataplane runtime scenario passed")


if __name__ == "__main__":
    sys.exit(main())
