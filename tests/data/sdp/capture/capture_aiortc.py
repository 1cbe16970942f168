#!/usr/bin/python3
"""Captures real SDP from aiortc (Debian's python3-aiortc; tests/data/sdp/README.md).

Runs in-process and offline: RTCConfiguration(iceServers=[]), so only host candidates are
gathered. The tracks are aiortc's own generated silence and black frames.

    /usr/bin/python3 capture_aiortc.py OUTDIR [--answer-offer FILE] [--cases NAME...]
"""
import argparse
import asyncio
import os
import sys

import aiortc
import aiortc.exceptions
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import AudioStreamTrack, VideoStreamTrack


def write(outdir, name, sdp):
    major_minor = ".".join(aiortc.__version__.split(".")[:2])
    path = os.path.join(outdir, "aiortc-%s-%s.sdp" % (major_minor, name))
    with open(path, "w", newline="") as f:
        f.write(sdp)
    print("wrote", path)


async def publish_av(outdir):
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    try:
        pc.addTransceiver(AudioStreamTrack(), direction="sendonly")
        pc.addTransceiver(VideoStreamTrack(), direction="sendonly")
        await pc.setLocalDescription(await pc.createOffer())  # gathers host candidates
        write(outdir, "publish-av", pc.localDescription.sdp)
    finally:
        await pc.close()


async def answer_subscriber(outdir, offer):
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    try:
        await pc.setRemoteDescription(RTCSessionDescription(sdp=offer, type="offer"))
        await pc.setLocalDescription(await pc.createAnswer())
        write(outdir, "answer-subscriber", pc.localDescription.sdp)
    finally:
        await pc.close()


async def run(args):
    # setLocalDescription starts connecting to the offer's candidate in the background; closing
    # the connection right after the capture makes that task fail with "RTCIceTransport is
    # closed" (or an AttributeError from a STUN retry on the closed socket), which is expected
    # here and not worth a traceback.
    loop = asyncio.get_running_loop()
    default_handler = loop.get_exception_handler()

    def quiet_closed_transport(loop, context):
        if isinstance(context.get("exception"),
                      (aiortc.exceptions.InvalidStateError, AttributeError)):
            return
        if default_handler is not None:
            default_handler(loop, context)
        else:
            loop.default_exception_handler(context)

    loop.set_exception_handler(quiet_closed_transport)
    if not args.cases or "publish-av" in args.cases:
        await publish_av(args.outdir)
    if args.answer_offer and (not args.cases or "answer-subscriber" in args.cases):
        with open(args.answer_offer) as f:
            await answer_subscriber(args.outdir, f.read())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("outdir")
    parser.add_argument("--answer-offer", help="also answer this server offer (answer-subscriber)")
    parser.add_argument("--cases", nargs="*", help="only these cases (default: all)")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
