#!/usr/bin/env python3
"""Scenario 31: RTMP push relays and the [rtmp] configuration.

Two data planes A and B. A pushes every stream of app "live" to B's app "relayed" ([[rtmp.push]]
in A's config) and, through a StartPushRelay control request, live/<key> to B's app "ctl" too.
ffmpeg publishes to A; ffmpeg players on B decode both relayed copies without an error, and A's
stats report the relays publishing. StopPushRelay ends the second. A third data plane on B's RTMP
port and one with an unknown [rtmp] key exit 2 naming the key."""

import os
import subprocess
import sys

from ringcast_control import ControlClient, import_control_pb2
from ringcast_rtmp import (counters, finish, free_tcp_port, start_player, start_publisher, stop,
                           total, wait_for, write_config)
from ringcast_testlib import (Process, allowed_cores, free_udp_port_range, parse_args,
                              temporary_directory)


def check_config_errors(bin_dir, directory, cores, busy_port):
    dataplane = f"{bin_dir}/ringcast-dataplane"
    in_use = write_config(directory, "busy", cores, free_udp_port_range(len(cores)), busy_port)
    done = subprocess.run([dataplane, "--config", in_use], capture_output=True, text=True,
                          timeout=10)
    assert done.returncode == 2 and "rtmp.listen" in done.stderr, (done.returncode, done.stderr)
    assert not os.path.exists(f"{directory}/busy.sock"), "half-started data plane left a socket"

    unknown = write_config(directory, "unknown", cores, free_udp_port_range(len(cores)),
                           free_tcp_port(), "chunk_sise = 4096\n")
    done = subprocess.run([dataplane, "--config", unknown], capture_output=True, text=True,
                          timeout=10)
    assert done.returncode == 2 and "rtmp.chunk_sise" in done.stderr and "line 11" in done.stderr, \
        (done.returncode, done.stderr)


def main():
    args = parse_args()
    pb = import_control_pb2(args.bin)
    cores = allowed_cores(2)
    with temporary_directory() as directory:
        port_a, port_b = free_tcp_port(), free_tcp_port()
        config_b = write_config(directory, "b", cores, free_udp_port_range(len(cores)), port_b)
        config_a = write_config(directory, "a", cores, free_udp_port_range(len(cores)), port_a,
                                f'[[rtmp.push]]\napp = "live"\nurl = "rtmp://127.0.0.1:{port_b}/relayed"\n')
        socket_a, socket_b = f"{directory}/a.sock", f"{directory}/b.sock"
        with Process([f"{args.bin}/ringcast-dataplane", "--config", config_b]) as node_b, \
                Process([f"{args.bin}/ringcast-dataplane", "--config", config_a]) as node_a:
            wait_for(lambda: os.path.exists(socket_a) and os.path.exists(socket_b), 10,
                     "both control sockets")
            check_config_errors(args.bin, directory, cores, port_b)

            control = ControlClient(pb, socket_a)
            control_url = f"rtmp://127.0.0.1:{port_b}/ctl"
            control.call(start_push_relay=pb.StartPushRelay(stream="live/cam", url=control_url))
            publisher = start_publisher(f"rtmp://127.0.0.1:{port_a}/live/cam")
            players = []
            try:
                relay = f"rtmp_relay.live/cam>rtmp://127.0.0.1:{port_b}/relayed.state"
                relay_ctl = f"rtmp_relay.live/cam>{control_url}.state"
                wait_for(lambda: max(s.get(relay, 0) for s in counters(args.bin, socket_a)) == 2
                         and max(s.get(relay_ctl, 0) for s in counters(args.bin, socket_a)) == 2,
                         15, "both relays publishing")
                wait_for(lambda: total(counters(args.bin, socket_b),
                                       "rtmp_stream.ctl/cam.gop_cache_messages") > 0,
                         10, "the relayed GOP on B")
                players = [start_player(f"rtmp://127.0.0.1:{port_b}/relayed/cam", seconds=3),
                           start_player(f"rtmp://127.0.0.1:{port_b}/ctl/cam", seconds=3)]
                for player in players:
                    code, err = finish(player, 20)
                    assert code == 0 and err.strip() == "", (code, err)
                print("players on B decoded both relayed copies")

                control.call(stop_push_relay=pb.StopPushRelay(stream="live/cam", url=control_url))
                wait_for(lambda: total(counters(args.bin, socket_b), "rtmp_stream.ctl/cam.publishing")
                         == 0, 10, "the control relay to stop")
                assert total(counters(args.bin, socket_b), "rtmp_stream.relayed/cam.publishing") == 1
                missing = control.try_call(stop_push_relay=pb.StopPushRelay(stream="live/cam",
                                                                            url=control_url))
                assert missing.error.code == pb.ERROR_CODE_NOT_FOUND, missing
            finally:
                control.close()
                for process in [publisher, *players]:
                    stop(process)
            for node in (node_a, node_b):
                code, _ = node.terminate()
                assert code == 0, (code, node.output())
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
