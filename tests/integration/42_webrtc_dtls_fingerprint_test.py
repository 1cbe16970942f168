#!/usr/bin/python3
"""Scenario 42: a wrong DTLS fingerprint fails the transport and no media flows.

The publisher's offer is honest, but ringcast is told a different certificate fingerprint for
it (as if signaling had been tampered with). ICE still succeeds; the DTLS handshake must fail
with a fingerprint mismatch reported as an event, and no RTP may reach the producer."""

import asyncio
import sys

from ringcast_testlib import parse_args, temporary_directory
from webrtc_peer import ColourBars
from webrtc_scenario import DataPlane, publish

WRONG = ("sha-256", ":".join(["AB"] * 32))


async def run(dp):
    publisher, producer, _ = await publish(dp, "pub", [ColourBars()], fingerprint_override=WRONG)
    try:
        try:
            failed = await dp.control.wait_event_async(
                lambda e: e.WhichOneof("kind") == "dtls_state" and e.dtls_state.state == "failed", 20)
        except AssertionError:
            counters = dp.control.shard_counters()[0]
            print({k: v for k, v in counters.items() if v and ("dtls" in k or "stun" in k)})
            raise
        assert failed.dtls_state.reason == "fingerprint_mismatch", failed
        await asyncio.sleep(2)
        stats = dp.stats(producer)
        assert stats["packets_received"] == 0, stats
        counters = dp.control.shard_counters()[0]
        assert counters["dtls_handshakes_failed"] == 1 and counters["dtls_handshakes_completed"] == 0, counters
        assert counters["rtp_packets_received"] == 0, counters
    finally:
        await publisher.close()


def main():
    args = parse_args()
    with temporary_directory() as directory:
        dp = DataPlane(args.bin, directory)
        try:
            asyncio.run(run(dp))
        finally:
            dp.stop()
    print("webrtc dtls fingerprint scenario passed")


if __name__ == "__main__":
    sys.exit(main())
