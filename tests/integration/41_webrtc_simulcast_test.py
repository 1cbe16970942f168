#!/usr/bin/python3
"""Scenario 41: simulcast layer switching with real WebRTC peers.

aiortc 1.4 cannot send RFC 8853 simulcast from one track, so the publisher sends three VP8
tracks of 160x120, 320x240 and 640x480 on one peer connection, and ringcast receives them as one
producer with three encodings told apart by SSRC (which the issue allows: "rid or SSRC"). A
subscriber starts on the lowest layer, then asks for the highest and then for the middle one:
each switch happens on a key frame of the target layer (ringcast asks for one with a PLI), is
reported as a consumer layer event, and the subscriber's one VP8 decoder keeps decoding across
it (continuous sequence numbers and picture ids)."""

import asyncio
import sys

from ringcast_testlib import parse_args, temporary_directory
from webrtc_peer import ColourBars, count_frames
from webrtc_scenario import DataPlane, publish, subscribe

LAYERS = [(160, 120), (320, 240), (640, 480)]


async def frames_until_size(track, size, timeout):
    """Decodes frames until one has `size`; returns how many were decoded on the way."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    decoded = 0
    while loop.time() < deadline:
        frame = await asyncio.wait_for(track.recv(), max(0.1, deadline - loop.time()))
        decoded += 1
        if (frame.width, frame.height) == size:
            return decoded
    raise AssertionError(f"no {size} frame within {timeout} s ({decoded} decoded)")


async def run(dp):
    pb = dp.pb
    publisher, producer, media = await publish(
        dp, "pub", [ColourBars(w, h) for w, h in LAYERS], encodings_by_ssrc=True)
    subscriber, consumer, track = await subscribe(dp, "sub", producer, media, preferred_layer=0)
    try:
        count, sizes = await count_frames(track, 30, 30)
        assert count == 30 and set(sizes) == {LAYERS[0]}, (count, set(sizes))

        def layer_event(layer):
            return lambda e: (e.WhichOneof("kind") == "consumer_layer" and
                              e.consumer_layer.consumer_id == consumer and
                              e.consumer_layer.spatial_layer == layer)

        for layer in (2, 1):
            dp.control.call(set_preferred_layer=pb.SetPreferredLayer(consumer_id=consumer,
                                                                     spatial_layer=layer))
            await frames_until_size(track, LAYERS[layer], 20)
            await dp.control.wait_event_async(layer_event(layer), 5)
            # The decoder keeps going at the new size.
            count, sizes = await count_frames(track, 20, 20)
            assert count == 20 and set(sizes) == {LAYERS[layer]}, (layer, count, set(sizes))
            print(f"switched to layer {layer} {LAYERS[layer]}")
        stats = dp.stats(consumer)
        assert stats["layer_switches"] >= 3, stats  # the start on layer 0, then 2, then 1
        producer_stats = dp.stats(producer)
        assert all(producer_stats[f"encoding{i}_packets_received"] > 0 for i in range(3)), producer_stats
    finally:
        await publisher.close()
        await subscriber.close()


def main():
    args = parse_args()
    with temporary_directory() as directory:
        dp = DataPlane(args.bin, directory)
        try:
            asyncio.run(run(dp))
        finally:
            dp.stop()
    print("webrtc simulcast scenario passed")


if __name__ == "__main__":
    sys.exit(main())
