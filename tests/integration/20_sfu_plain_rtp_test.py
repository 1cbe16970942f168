#!/usr/bin/python3
"""Scenario 20: the SFU packet path over plain transports with SDES-SRTP.

One producer fans out to 50 consumers through a real ringcast-dataplane, once with each SRTP
suite (AEAD_AES_128_GCM and AES_CM_128_HMAC_SHA1_80). The test is the remote
side of every transport, and its SRTP is pylibsrtp (Debian's libsrtp2 binding), independent of
the data plane's own build. It checks that every consumer receives every packet, decrypted,
intact, in order, with its own SSRC and payload type; that a NACK is answered with the cached
packet; that pausing and resuming a consumer leaves no gap in its sequence numbers; that a packet
with a bad auth tag is dropped and counted; and that the shard's packet path made no heap
allocation in the steady state."""

import os
import select
import socket
import struct
import sys
import time

from pylibsrtp import Policy, Session

from ringcast_control import ControlClient, import_control_pb2
from ringcast_testlib import (Process, allowed_cores, free_udp_port_range, parse_args,
                              temporary_directory, wait_until)

CONSUMERS = 50
PRODUCER_SSRC = 0x1111
PRODUCER_PT = 96
CONSUMER_PT = 100
PAYLOAD_SIZE = 1000


def srtp_session(key, profile, inbound):
    policy = Policy(key=key, ssrc_type=Policy.SSRC_ANY_INBOUND if inbound else Policy.SSRC_ANY_OUTBOUND,
                    srtp_profile=profile)
    policy.allow_repeat_tx = True
    policy.window_size = 1024
    return Session(policy=policy)


def rtp_packet(seq, timestamp, ssrc, pt, payload, marker=False):
    return struct.pack(">BBHII", 0x80, (0x80 if marker else 0) | pt, seq & 0xFFFF,
                       timestamp & 0xFFFFFFFF, ssrc) + payload


def payload_for(index):
    """Deterministic payload: the sender's packet index, then filler derived from it."""
    filler = bytes((index * 31 + i) & 0xFF for i in range(PAYLOAD_SIZE - 4))
    return struct.pack(">I", index) + filler


def parse_rtp(packet):
    first, second, seq, timestamp, ssrc = struct.unpack(">BBHII", packet[:12])
    return {"pt": second & 0x7F, "seq": seq, "ts": timestamp, "ssrc": ssrc, "payload": packet[12:]}


class Endpoint:
    """The test's side of one transport: a UDP socket and the SRTP keys of both directions."""

    def __init__(self, pb, suite_profile, key_length):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 * 1024 * 1024)
        self.sock.setblocking(False)
        self.port = self.sock.getsockname()[1]
        self.key = os.urandom(key_length)  # master key + salt
        self.profile = suite_profile
        self.tx = srtp_session(self.key, suite_profile, inbound=False)
        self.rx = None
        self.received = []

    def connect_keys(self, data_plane_key):
        self.rx = srtp_session(data_plane_key, self.profile, inbound=True)
        # Sequence numbers (in the clear SRTP header) whose first arrival is thrown away, as if
        # the network had lost them.
        self.lose = set()

    def drain(self):
        while True:
            try:
                data = self.sock.recv(4096)
            except BlockingIOError:
                return
            if 64 <= (data[1] & 0x7F) <= 95:
                continue  # RTCP (sender reports): not what these checks count
            seq = struct.unpack(">H", data[2:4])[0]
            if seq in self.lose:
                self.lose.discard(seq)
                continue
            self.received.append(parse_rtp(self.rx.unprotect(data)))


SUITES = {
    # name: (control suite field, pylibsrtp profile, master key + salt bytes)
    "gcm": ("SRTP_SUITE_AEAD_AES_128_GCM", Policy.SRTP_PROFILE_AEAD_AES_128_GCM, 28),
    "cm": ("SRTP_SUITE_AES_CM_128_HMAC_SHA1_80", Policy.SRTP_PROFILE_AES128_CM_SHA1_80, 30),
}


def main():
    args = parse_args()
    for suite in SUITES:
        run_suite(args, suite)
        print(f"{suite}: passed")
    print("sfu plain rtp scenario passed")


def run_suite(args, suite):
    pb = import_control_pb2(args.bin)
    core = allowed_cores(1)
    with temporary_directory() as directory:
        port_base = free_udp_port_range(1)
        sock_path = os.path.join(directory, "dataplane.sock")
        config = os.path.join(directory, "ringcast.toml")
        with open(config, "w") as f:
            f.write(f'[dataplane]\nudp_port_base = {port_base}\ncores = {core}\n'
                    f'control_socket = "{sock_path}"\n')
        with Process([f"{args.bin}/ringcast-dataplane", "--config", config]) as dataplane:
            wait_until(lambda: os.path.exists(sock_path), 10, "the control socket")
            control = ControlClient(pb, sock_path)
            try:
                run(pb, control, suite)
            finally:
                control.close()
            code, _ = dataplane.terminate()
            assert code == 0, dataplane.output()


def run(pb, control, suite):
    suite_field, profile, key_length = SUITES[suite]
    srtp_suite = getattr(pb, suite_field)
    control.call(create_router=pb.CreateRouter(router_id="room", shard=0))

    def transport(name, endpoint):
        info = control.call(create_plain_transport=pb.CreatePlainTransport(
            router_id="room", transport_id=name, srtp_suite=srtp_suite)).transport
        control.call(connect_plain_transport=pb.ConnectPlainTransport(
            transport_id=name, remote_ip="127.0.0.1", remote_port=endpoint.port,
            remote_srtp_key=endpoint.key))
        endpoint.connect_keys(info.local_srtp_key)
        return info

    publisher = Endpoint(pb, profile, key_length)
    server = transport("publisher", publisher)
    server_address = (server.local_ip, server.local_port)
    control.call(produce=pb.Produce(transport_id="publisher", producer_id="cam", kind=pb.MEDIA_KIND_VIDEO,
                                    codec="VP8", payload_type=PRODUCER_PT, ssrc=PRODUCER_SSRC,
                                    clock_rate=90000))
    consumers = []
    for i in range(CONSUMERS):
        endpoint = Endpoint(pb, profile, key_length)
        transport(f"viewer-{i}", endpoint)
        control.call(consume=pb.Consume(transport_id=f"viewer-{i}", consumer_id=f"c{i}", producer_id="cam",
                                        ssrc=0x5000 + i, payload_type=CONSUMER_PT))
        consumers.append(endpoint)

    sent = 0

    def send(count):
        nonlocal sent
        for _ in range(count):
            packet = rtp_packet(1000 + sent, 90 * sent, PRODUCER_SSRC, PRODUCER_PT, payload_for(sent))
            publisher.sock.sendto(publisher.tx.protect(packet), server_address)
            sent += 1
            if sent % 20 == 0:
                time.sleep(0.002)
                for endpoint in consumers:
                    endpoint.drain()

    def settle(expected_each, skip=()):
        def done():
            for index, endpoint in enumerate(consumers):
                endpoint.drain()
                if index not in skip and len(endpoint.received) < expected_each:
                    return False
            return True
        wait_until(done, 10, f"every consumer to receive {expected_each} packets")

    # Warm-up, then the steady state whose allocations must be zero. Warm-up lasts past the first
    # RTCP interval (at most 1.5 s): libsrtp allocates a stream the first time each SSRC is
    # protected, which for the transports' report SSRCs happens with their first SR/RR.
    send(100)
    settle(100)
    time.sleep(1.6)
    before = control.shard_counters()[0]
    send(300)
    settle(400)
    after = control.shard_counters()[0]
    if "heap_allocations" in before:
        allocations = after["heap_allocations"] - before["heap_allocations"]
        assert allocations == 0, f"packet path allocated {allocations} times for {300 * CONSUMERS} packets"
    else:
        print("heap allocation counting unavailable in this build (no jemalloc)")

    # Every consumer: every packet, in order, intact, with its own SSRC and payload type.
    for index, endpoint in enumerate(consumers):
        packets = endpoint.received
        assert len(packets) == 400, (index, len(packets))
        for n, packet in enumerate(packets):
            assert packet["ssrc"] == 0x5000 + index and packet["pt"] == CONSUMER_PT, packet
            assert packet["payload"] == payload_for(n), f"consumer {index} packet {n} corrupted"
            if n > 0:
                assert packet["seq"] == (packets[n - 1]["seq"] + 1) & 0xFFFF, (index, n)
                assert packet["ts"] == (packets[n - 1]["ts"] + 90) & 0xFFFFFFFF, (index, n)

    # NACK: consumer 0 loses two packets and asks for them while they are still in the producer's
    # one-second cache; the retransmissions are the same bytes under the same sequence numbers
    # (no RTX on a plain transport).
    target = consumers[0]
    first_seq = target.received[0]["seq"]
    wanted = [(first_seq + 408) & 0xFFFF, (first_seq + 409) & 0xFFFF]
    target.lose = set(wanted)
    send(10)
    wait_until(lambda: (target.drain(), len(target.received) >= 408 and not target.lose)[1], 5,
               "consumer 0 to see packets up to its losses")
    pid, blp = wanted[0], 1  # BLP bit 0: pid + 1
    nack = struct.pack(">BBHIIHH", 0x81, 205, 3, 0xABCD, 0x5000, pid, blp)
    target.sock.sendto(target.tx.protect_rtcp(nack), server_address)
    wait_until(lambda: (target.drain(), len(target.received) >= 410)[1], 5,
               "the NACKed packets to be retransmitted")
    retransmitted = target.received[408:]
    assert [p["seq"] for p in retransmitted] == wanted, retransmitted
    assert [p["payload"] for p in retransmitted] == [payload_for(408), payload_for(409)]
    settle(410)

    # Pause consumer 1 for 50 packets; after resuming its sequence numbers continue with no gap.
    paused = consumers[1]
    control.call(pause_consumer=pb.ObjectRef(id="c1"))
    send(50)
    settle(460, skip={1})
    paused.drain()
    assert len(paused.received) == 410, len(paused.received)
    control.call(resume_consumer=pb.ObjectRef(id="c1"))
    send(50)
    settle(510, skip={1})
    wait_until(lambda: (paused.drain(), len(paused.received) >= 460)[1], 5, "resumed consumer")
    resumed = paused.received[410]
    assert resumed["seq"] == (paused.received[409]["seq"] + 1) & 0xFFFF, "gap after resume"
    assert resumed["payload"] == payload_for(460), "resume starts with the next live packet"
    assert (resumed["ts"] - paused.received[409]["ts"]) & 0xFFFFFFFF < 0x80000000, "timestamp went back"

    # A packet with a broken auth tag is dropped and counted, and nothing is forwarded.
    counters_before = control.shard_counters()[0]
    forged = bytearray(publisher.tx.protect(rtp_packet(1000 + sent, 90 * sent, PRODUCER_SSRC, PRODUCER_PT,
                                                       payload_for(sent))))
    forged[-1] ^= 0xFF
    publisher.sock.sendto(bytes(forged), server_address)
    wait_until(lambda: control.shard_counters()[0]["drop_srtp_auth_failed"] ==
               counters_before["drop_srtp_auth_failed"] + 1, 5, "the forged packet to be counted")
    # And a datagram from an address no transport knows.
    stranger = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    stranger.sendto(rtp_packet(1, 1, PRODUCER_SSRC, PRODUCER_PT, b"x" * 20), server_address)
    stranger.close()
    wait_until(lambda: control.shard_counters()[0]["drop_unknown_source"] ==
               counters_before["drop_unknown_source"] + 1, 5, "the stranger's packet to be counted")

    final = control.shard_counters()[0]
    assert final["drop_no_buffer"] == 0 and final["rx_no_buffer"] == 0, final
    assert final["retransmissions_sent"] == 2, final
    stats = control.call(get_object_stats=pb.ObjectRef(id="c0")).object_stats.counters
    assert stats["retransmissions_sent"] == 2 and stats["packets_sent"] == 512, dict(stats)
    for endpoint in consumers + [publisher]:
        endpoint.sock.close()


if __name__ == "__main__":
    sys.exit(main())
