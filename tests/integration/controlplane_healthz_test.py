#!/usr/bin/env python3
"""ringcast-controlplane process scenarios: start on port 0, /healthz, errors, limits, config
errors, and a graceful stop on SIGTERM/SIGINT within a second.

Standard library only. Usage: controlplane_healthz_test.py --bin BUILD/bin
Everything runs on 127.0.0.1; every process started here is stopped here; the temp dir goes away.
"""

import argparse
import http.client
import json
import os
import selectors
import signal
import socket
import subprocess
import sys
import tempfile
import time

START_TIMEOUT_S = 5.0
STOP_DEADLINE_S = 1.0
IO_TIMEOUT_S = 5.0


class Controlplane:
    """One ringcast-controlplane process; stop() or kill() always ends it."""

    def __init__(self, binary, *args):
        self.proc = subprocess.Popen([binary, *args], stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE)
        self.port = None

    def wait_listening(self):
        line = self._read_stdout_line(START_TIMEOUT_S)
        prefix = "listening http 127.0.0.1:"
        if not line.startswith(prefix):
            raise AssertionError(f"expected '{prefix}PORT' on stdout, got {line!r}; "
                                 f"stderr: {self.drain_stderr()!r}")
        self.port = int(line[len(prefix):])
        assert 0 < self.port < 65536, line
        return self.port

    def _read_stdout_line(self, timeout):
        with selectors.DefaultSelector() as selector:
            selector.register(self.proc.stdout, selectors.EVENT_READ)
            if not selector.select(timeout):
                raise AssertionError(f"no stdout line within {timeout} s")
        return self.proc.stdout.readline().decode().strip()

    def stop(self, signal_number):
        """Sends the signal and returns (exit status, seconds it took, stderr text)."""
        started = time.monotonic()
        self.proc.send_signal(signal_number)
        try:
            self.proc.wait(timeout=STOP_DEADLINE_S)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"still running {STOP_DEADLINE_S} s after signal {signal_number}")
        took = time.monotonic() - started
        return self.proc.returncode, took, self.drain_stderr()

    def drain_stderr(self):
        if self.proc.poll() is None:
            return ""
        return self.proc.stderr.read().decode(errors="replace")

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()
        self.proc.stderr.close()


def get(port, method, path, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=IO_TIMEOUT_S)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def raw_exchange(port, data):
    """Sends raw bytes and returns everything the server writes before it closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=IO_TIMEOUT_S) as sock:
        sock.sendall(data)
        # The server answers errors and then reads until our FIN (lingering close).
        sock.shutdown(socket.SHUT_WR)
        chunks = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


def status_of(raw_response):
    return int(raw_response.split(b" ", 2)[1])


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def scenario_10_healthz(port):
    status, headers, body = get(port, "GET", "/healthz")
    check(status == 200, f"/healthz answered {status}")
    check(headers.get("Content-Type") == "application/json", headers)
    document = json.loads(body)
    check(document["status"] == "ok", document)
    check(isinstance(document["version"], str) and document["version"], document)
    check(isinstance(document["uptime_s"], int) and document["uptime_s"] >= 0, document)
    check(list(document) == ["status", "version", "uptime_s"], document)


def scenario_20_keep_alive(port):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=IO_TIMEOUT_S)
    try:
        connection.request("GET", "/healthz")
        connection.getresponse().read()
        first_socket = connection.sock
        connection.request("GET", "/healthz?again=1")
        response = connection.getresponse()
        response.read()
        check(response.status == 200, response.status)
        check(first_socket is not None and connection.sock is first_socket,
              "the second request did not reuse the kept-alive connection")
    finally:
        connection.close()


def scenario_30_errors_are_json(port):
    status, _, body = get(port, "GET", "/no/such/thing")
    check(status == 404, f"unknown path answered {status}")
    check(json.loads(body)["error"] == "not_found", body)

    status, headers, body = get(port, "POST", "/healthz", body=b"{}")
    check(status == 405, f"POST /healthz answered {status}")
    check(headers.get("Allow") == "GET", headers)
    check(json.loads(body)["error"] == "method_not_allowed", body)


def scenario_40_limits(port):
    huge_header = b"X-Filler: " + b"a" * 16384 + b"\r\n"
    reply = raw_exchange(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + huge_header + b"\r\n")
    check(status_of(reply) == 431, reply[:200])

    reply = raw_exchange(port, b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n")
    check(status_of(reply) == 413, reply[:200])

    # The body keeps coming after the 413: the answer must still arrive, not be lost to an RST.
    body = b"b" * (256 * 1024)
    reply = raw_exchange(port, b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: "
                         + str(len(body)).encode() + b"\r\n\r\n" + body)
    check(status_of(reply) == 413, reply[:200])

    reply = raw_exchange(port, b"NOT HTTP AT ALL\r\n\r\n")
    check(status_of(reply) == 400, reply[:200])


def check_json_logs(stderr_text):
    lines = [line for line in stderr_text.splitlines() if line]
    check(lines, "no log lines on stderr")
    for line in lines:
        entry = json.loads(line)
        check(list(entry)[:3] == ["ts", "level", "msg"], entry)
    messages = [json.loads(line)["msg"] for line in lines]
    check("listening" in messages and "stopping" in messages and "stopped" in messages, messages)


def scenario_50_stop_with_idle_connection(binary):
    """SIGTERM while a kept-alive client sits idle: exit 0 within a second, connection closed."""
    process = Controlplane(binary, "--listen", "127.0.0.1:0")
    try:
        port = process.wait_listening()
        scenario_10_healthz(port)
        scenario_20_keep_alive(port)
        scenario_30_errors_are_json(port)
        scenario_40_limits(port)
        expect_config_error(binary, ["--listen", f"127.0.0.1:{port}"], '"key":"--listen"',
                            "Address already in use")
        idle = socket.create_connection(("127.0.0.1", port), timeout=IO_TIMEOUT_S)
        try:
            code, took, stderr_text = process.stop(signal.SIGTERM)
            check(code == 0, f"exit status {code} after SIGTERM; stderr: {stderr_text}")
            check(took < STOP_DEADLINE_S, f"took {took:.3f} s to stop")
            check(idle.recv(1) == b"", "the idle connection was not closed")
        finally:
            idle.close()
        check_json_logs(stderr_text)
    finally:
        process.kill()


def scenario_60_config_file(binary, workdir):
    """A shared file with [dataplane] and [rtmp] sections starts; text logs; SIGINT stops it."""
    path = os.path.join(workdir, "good.toml")
    with open(path, "w") as file:
        file.write('[dataplane]\nlisten_ip = "127.0.0.1"\n\n[rtmp]\n\n'
                   '[controlplane]\nlisten = "127.0.0.1:0"\n'
                   'dataplane_socket = "var/dataplane.sock"\nlog_format = "text"\n')
    process = Controlplane(binary, "--config", path)
    try:
        port = process.wait_listening()
        check(get(port, "GET", "/healthz")[0] == 200, "healthz with a config file")
        code, took, stderr_text = process.stop(signal.SIGINT)
        check(code == 0, f"exit status {code} after SIGINT")
        check(" info listening " in stderr_text and "addr=127.0.0.1:" in stderr_text, stderr_text)
    finally:
        process.kill()


def expect_config_error(binary, args, *needles):
    result = subprocess.run([binary, *args], capture_output=True, timeout=START_TIMEOUT_S)
    stderr_text = result.stderr.decode(errors="replace")
    check(result.returncode == 2, f"{args}: exit status {result.returncode}, stderr: {stderr_text}")
    for needle in needles:
        check(needle in stderr_text, f"{args}: {needle!r} not in {stderr_text!r}")


def scenario_70_config_errors(binary, workdir):
    unknown_key = os.path.join(workdir, "unknown_key.toml")
    with open(unknown_key, "w") as file:
        file.write('[controlplane]\nlisten = "127.0.0.1:0"\n\nlisten_porrt = 8080\n')
    expect_config_error(binary, ["--config", unknown_key], "controlplane.listen_porrt", "line 4",
                        "unknown key")

    unknown_section = os.path.join(workdir, "unknown_section.toml")
    with open(unknown_section, "w") as file:
        file.write('[controlplane]\n[signaling]\nport = 1\n')
    expect_config_error(binary, ["--config", unknown_section], "signaling", "unknown section")

    broken = os.path.join(workdir, "broken.toml")
    with open(broken, "w") as file:
        file.write('[controlplane\n')
    expect_config_error(binary, ["--config", broken], "broken.toml", "line 1")

    expect_config_error(binary, ["--config", os.path.join(workdir, "absent.toml")], "cannot open")
    expect_config_error(binary, ["--listen", "localhost:80"], "--listen", "HOST:PORT")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bin", required=True, help="directory holding ringcast-controlplane")
    args = parser.parse_args()
    binary = os.path.join(args.bin, "ringcast-controlplane")
    if not os.access(binary, os.X_OK):
        print(f"not an executable: {binary}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="controlplane_healthz.") as workdir:
        scenario_50_stop_with_idle_connection(binary)
        scenario_60_config_file(binary, workdir)
        scenario_70_config_errors(binary, workdir)
    print("controlplane_healthz: all scenarios passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
