"""Helpers for the RTMP scenarios: a data plane config with an [rtmp] section, ffmpeg publishers
and players (Debian's ffmpeg), and free TCP ports."""

import os
import socket
import subprocess
import time

FFMPEG = "/usr/bin/ffmpeg"


def free_tcp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def write_config(directory, name, cores, udp_base, rtmp_port, rtmp_extra=""):
    path = os.path.join(directory, f"{name}.toml")
    with open(path, "w") as f:
        f.write(f"""[dataplane]
listen_ip = "127.0.0.1"
udp_port_base = {udp_base}
cores = [{", ".join(str(c) for c in cores)}]
control_socket = "{directory}/{name}.sock"
receive_buffers = 256
send_buffers = 256

[rtmp]
listen = "127.0.0.1:{rtmp_port}"
{rtmp_extra}""")
    return path


def start_publisher(url, seconds=60):
    """A synthetic H.264 + AAC stream, 1 s GOP, in real time."""
    argv = [FFMPEG, "-hide_banner", "-nostdin", "-loglevel", "error", "-re",
            "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
            "-t", str(seconds),
            "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency",
            "-g", "25", "-keyint_min", "25", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-b:a", "64k", "-f", "flv", url]
    return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def start_player(url, seconds=None, frames=None, quick_start=False):
    """Decodes the stream (nothing is written); errors at -loglevel error are decoder errors.
    quick_start skips ffmpeg's stream probing (which otherwise waits about a second of media
    whatever the server does), so the time to the first frame is the server's."""
    argv = [FFMPEG, "-hide_banner", "-nostdin", "-loglevel", "error"]
    if quick_start:
        argv += ["-probesize", "32", "-analyzeduration", "0"]
    argv += ["-i", url]
    if seconds is not None:
        argv += ["-t", str(seconds)]
    if frames is not None:
        argv += ["-frames:v", str(frames)]
    argv += ["-f", "null", "-"]
    return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def finish(process, timeout):
    """(exit code, stderr); kills the process if it overruns."""
    try:
        _, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        _, err = process.communicate()
        return None, err
    return process.returncode, err


def stop(process):
    if process.poll() is None:
        process.kill()
        process.communicate()


def counters(bin_dir, socket_path):
    """[{counter: value}] per shard, through ringcastctl stats --json."""
    done = subprocess.run([f"{bin_dir}/ringcastctl", "--socket", socket_path, "stats", "--json"],
                          capture_output=True, text=True, timeout=10)
    if done.returncode != 0:
        raise AssertionError(f"ringcastctl stats failed: {done.stderr}")
    import json
    return [shard["counters"] for shard in json.loads(done.stdout)["shards"]]


def total(shards, name):
    return sum(shard.get(name, 0) for shard in shards)


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")
