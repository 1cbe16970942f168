#!/usr/bin/python3
"""Scenario 40: real WebRTC peers through ringcast.

An aiortc publisher sends VP8 video and Opus audio to ringcast's WebRtcTransport (ICE-lite,
DTLS-SRTP); an aiortc subscriber receives both through ringcast and decodes at least 100 video
and 100 audio frames. Audio and video use separate peer connections on each side: aiortc 1.4
mis-handles audio and video bundled with clashing extmap ids. The publisher's video transport
has a configured maximum incoming bitrate, which REMB carries; the scenario measures how long
the publisher takes to reach it. ICE, DTLS and active-speaker events arrive on the control
socket."""

import asyncio
import sys
import time

from ringcast_testlib import parse_args, temporary_directory
from webrtc_peer import ColourBars, Tone, count_frames
from webrtc_scenario import DataPlane, publish, subscribe

MAX_INCOMING_BPS = 1_000_000


async def run(dp):
    pb = dp.pb
    video_pub, video_producer, video_media = await publish(dp, "pub-video", [ColourBars(640, 480)],
                                                           max_incoming_bitrate=MAX_INCOMING_BPS)
    audio_pub, audio_producer, audio_media = await publish(dp, "pub-audio", [Tone()])
    dp.control.call(create_audio_level_observer=pb.CreateAudioLevelObserver(
        router_id="room", observer_id="levels", interval_ms=500, threshold_dbov=-80))
    dp.control.call(add_observer_producer=pb.AddObserverProducer(observer_id="levels",
                                                                 producer_id=audio_producer))
    video_sub, video_consumer, video_track = await subscribe(dp, "sub-video", video_producer, video_media)
    audio_sub, audio_consumer, audio_track = await subscribe(dp, "sub-audio", audio_producer, audio_media)
    started = time.monotonic()
    try:
        (video_frames, sizes), (audio_frames, _) = await asyncio.gather(
            count_frames(video_track, 100, 40), count_frames(audio_track, 100, 40))
        assert video_frames >= 100, f"decoded {video_frames} video frames"
        assert audio_frames >= 100, f"decoded {audio_frames} audio frames"
        assert sizes[-1] == (640, 480), sizes[-1]
        print(f"decoded {video_frames} video and {audio_frames} audio frames "
              f"in {time.monotonic() - started:.1f} s")

        for transport in ("pub-video", "pub-audio", "sub-video", "sub-audio"):
            await dp.control.wait_event_async(lambda e, t=transport: e.WhichOneof("kind") == "dtls_state"
                                  and e.dtls_state.transport_id == t and e.dtls_state.state == "connected")
            await dp.control.wait_event_async(lambda e, t=transport: e.WhichOneof("kind") == "ice_state"
                                  and e.ice_state.transport_id == t
                                  and e.ice_state.state in ("connected", "completed"))
        speaker = await dp.control.wait_event_async(lambda e: e.WhichOneof("kind") == "active_speaker", 10)
        assert speaker.active_speaker.producer_id == audio_producer, speaker

        # REMB carries the configured maximum; the publisher's encoder follows it.
        reached = None
        while time.monotonic() - started < 30:
            bitrate = dp.stats(video_producer).get("encoding0_bitrate_bps", 0)
            if bitrate >= 0.85 * MAX_INCOMING_BPS:
                reached = time.monotonic() - started
                break
            await asyncio.sleep(0.5)
        assert reached is not None, f"publisher stayed at {bitrate} bps"
        print(f"publisher reached {bitrate} bps (max {MAX_INCOMING_BPS}) {reached:.1f} s after media started")
        assert reached <= 10, f"took {reached:.1f} s to reach the maximum bitrate"
    finally:
        for pc in (video_pub, audio_pub, video_sub, audio_sub):
            await pc.close()
    counters = dp.control.shard_counters()[0]
    assert counters["dtls_handshakes_completed"] == 4, counters
    assert counters["remb_sent"] > 0 and counters["stun_requests_answered"] > 0, counters


def main():
    args = parse_args()
    with temporary_directory() as directory:
        dp = DataPlane(args.bin, directory)
        try:
            asyncio.run(run(dp))
        finally:
            dp.stop()
    print("webrtc media scenario passed")


if __name__ == "__main__":
    sys.exit(main())
