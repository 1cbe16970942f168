#!/usr/bin/env python3
"""Scenario 30: RTMP ingest and fan-out with real ffmpeg.

A data plane with two shards and a publish key. ffmpeg publishes a synthetic H.264 + AAC stream
(1 s GOP). Twenty ffmpeg players, spread over both shards by SO_REUSEPORT, each decode 5 s
without a decoder error while a connection sending garbage and one sending an endless chunk are
closed and counted. A player that joins late decodes its first frame within one GOP (the GOP
cache). A wrong publish key is refused with an onStatus error. Killing the publisher ends the
players' streams cleanly (exit 0). SIGTERM stops the data plane with status 0."""

import os
import socket
import sys
import threading
import time

from ringcast_rtmp import (counters, finish, free_tcp_port, start_player, start_publisher, stop,
                           total, wait_for, write_config)
from ringcast_testlib import (Process, allowed_cores, free_udp_port_range, parse_args,
                              temporary_directory)

KEY = "live-key"
PLAYERS = 20


def garbage_client(port, results):
    """Random bytes instead of a handshake: the server closes the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(os.urandom(3000))
        results["garbage"] = s.recv(10) == b""


def endless_chunk_client(port, results):
    """A valid handshake, then a chunk announcing a 16 MiB video message and zeros forever."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"\x03" + bytes(1536))
        answer = b""
        while len(answer) < 1 + 2 * 1536:
            data = s.recv(8192)
            if not data:
                results["endless"] = False
                return
            answer += data
        s.sendall(answer[1:1537])  # C2 echoes S1
        # fmt 0, csid 4, timestamp 0, length 0xFFFFFF, type 9 (video), stream id 1
        s.sendall(bytes([0x04, 0, 0, 0, 0xFF, 0xFF, 0xFF, 9, 1, 0, 0, 0]))
        try:
            for _ in range(4096):
                s.sendall(bytes(65536))
            results["endless"] = False
        except OSError:
            results["endless"] = True


def main():
    args = parse_args()
    cores = allowed_cores(2)
    with temporary_directory() as directory:
        udp_base = free_udp_port_range(len(cores))
        port = free_tcp_port()
        config = write_config(directory, "dp", cores, udp_base, port,
                              f'publish_keys = ["{KEY}"]\n')
        socket_path = f"{directory}/dp.sock"
        url = f"rtmp://127.0.0.1:{port}/live/{KEY}"
        with Process([f"{args.bin}/ringcast-dataplane", "--config", config]) as dataplane:
            wait_for(lambda: os.path.exists(socket_path), 10, "the control socket")
            publisher = start_publisher(url)
            players = []
            enders = []
            try:
                wait_for(lambda: total(counters(args.bin, socket_path),
                                       f"rtmp_stream.live/{KEY}.gop_cache_messages") > 0,
                         15, "the publisher's first GOP")

                # Twenty players and two hostile connections at the same time.
                players = [start_player(url, seconds=5) for _ in range(PLAYERS)]
                enders = [start_player(url) for _ in range(2)]
                hostile = {}
                threads = [threading.Thread(target=garbage_client, args=(port, hostile)),
                           threading.Thread(target=endless_chunk_client, args=(port, hostile))]
                for thread in threads:
                    thread.start()
                wait_for(lambda: total(counters(args.bin, socket_path), "rtmp_players") >=
                         PLAYERS + len(enders), 15, "every player to be playing")
                during = counters(args.bin, socket_path)
                per_shard_players = [shard.get("rtmp_players", 0) for shard in during]
                print("players per shard while playing:", per_shard_players)
                if len(cores) > 1:
                    assert all(n > 0 for n in per_shard_players), per_shard_players
                assert total(during, f"rtmp_stream.live/{KEY}.players") >= PLAYERS, during
                for thread in threads:
                    thread.join(20)
                assert hostile.get("garbage") and hostile.get("endless"), hostile

                for i, player in enumerate(players):
                    code, err = finish(player, 30)
                    assert code == 0 and err.strip() == "", f"player {i}: exit {code}: {err}"
                print(f"{PLAYERS} players decoded 5 s without an error")

                # A player joining now starts at the cached GOP's keyframe.
                started = time.monotonic()
                late = start_player(url, frames=1, quick_start=True)
                code, err = finish(late, 10)
                took = time.monotonic() - started
                print(f"late player: first frame decoded after {took:.2f} s (GOP 1 s)")
                assert code == 0 and err.strip() == "", (code, err)
                assert took < 1.0, took

                # A wrong key: onStatus error, the connection is closed, nothing is published.
                wrong = start_publisher(f"rtmp://127.0.0.1:{port}/live/not-the-key", seconds=3)
                code, err = finish(wrong, 15)
                assert code != 0 and "publish key refused" in err, (code, err)

                after = counters(args.bin, socket_path)
                assert total(after, "rtmp_auth_refused") >= 1, after
                assert total(after, "rtmp_handshake_errors") >= 1, after
                assert total(after, "rtmp_protocol_errors") >= 1, after
                assert total(after, "rtmp_player_disconnects") == 0, after
                print("sends:", total(after, "rtmp_sends"), "iovecs:",
                      total(after, "rtmp_send_iovecs"), "cross-shard messages:",
                      total(after, "rtmp_cross_shard_messages"))

                # Killing the publisher ends the remaining players' streams cleanly.
                publisher.kill()
                publisher.communicate()
                for i, ender in enumerate(enders):
                    code, err = finish(ender, 10)
                    assert code == 0 and err.strip() == "", f"ender {i}: exit {code}: {err}"
                wait_for(lambda: total(counters(args.bin, socket_path), "rtmp_publishers") == 0,
                         5, "the stream to be unpublished")
            finally:
                for process in [publisher, *players, *enders]:
                    stop(process)
            code, took = dataplane.terminate()
            assert code == 0, (code, dataplane.output())
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
