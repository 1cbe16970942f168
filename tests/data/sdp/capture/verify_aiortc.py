#!/usr/bin/python3
"""Checks ringcast's descriptions against aiortc (tests/data/sdp/README.md).

aiortc offers audio + video sendonly, sdp_answer_tool answers, aiortc must accept the answer;
then aiortc answers our three renegotiated subscriber offers in turn and sdp_answer_tool must
read each answer. No packet flows. Exit status 0 when every check passed.

    /usr/bin/python3 verify_aiortc.py BUILD_DIR/tests/sdp_answer_tool
"""
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile

import aiortc.exceptions
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import AudioStreamTrack, VideoStreamTrack


def directions(pc):
    return " ".join("%s:%s" % (t.mid, t.currentDirection) for t in pc.getTransceivers())


async def run(tool, workdir):
    loop = asyncio.get_running_loop()
    # Connecting to our candidate (nothing listens there) runs in the background; once a
    # connection is closed, its pending ICE work fails with InvalidStateError, or with an
    # AttributeError when a STUN retry fires on aioice's closed socket. Expected here.
    loop.set_exception_handler(lambda loop, context: None
                               if isinstance(context.get("exception"),
                                             (aiortc.exceptions.InvalidStateError, AttributeError))
                               else loop.default_exception_handler(context))
    failures = 0
    checks = 0

    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    try:
        pc.addTransceiver(AudioStreamTrack(), direction="sendonly")
        pc.addTransceiver(VideoStreamTrack(), direction="sendonly")
        await pc.setLocalDescription(await pc.createOffer())
        answer = subprocess.run([tool, "answer"], input=pc.localDescription.sdp.encode(),
                                capture_output=True, check=True).stdout.decode()
        checks += 1
        try:
            await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
            result = directions(pc)
            ok = result == "0:sendonly 1:sendonly"
        except Exception as error:  # aiortc raises ValueError and others on a bad answer
            result, ok = "error: %s" % error, False
        failures += not ok
        print("%s publish publish-av: %s" % ("ok  " if ok else "FAIL", result))
    finally:
        await pc.close()

    subprocess.run([tool, "subscriber-sequence", workdir], check=True)
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    try:
        for index in (1, 2, 3):
            checks += 1
            offer_path = os.path.join(workdir, "offer-%d.sdp" % index)
            with open(offer_path) as f:
                offer = f.read()
            try:
                await pc.setRemoteDescription(RTCSessionDescription(sdp=offer, type="offer"))
                await pc.setLocalDescription(await pc.createAnswer())
            except Exception as error:
                print("FAIL subscriber offer %d: %s" % (index, error))
                failures += 1
                continue
            answer_path = os.path.join(workdir, "answer-%d.sdp" % index)
            with open(answer_path, "w", newline="") as f:
                f.write(pc.localDescription.sdp)
            read = subprocess.run([tool, "read-answer", offer_path, answer_path],
                                  capture_output=True)
            ok = read.returncode == 0
            failures += not ok
            print("%s subscriber offer %d: aiortc %s; we read: %s" % (
                "ok  " if ok else "FAIL", index, directions(pc),
                (read.stdout if ok else read.stderr).decode().strip()))
    finally:
        await pc.close()
    print("%d passed, %d failed" % (checks - failures, failures))
    return 1 if failures else 0


def main():
    tool = os.path.abspath(sys.argv[1])
    workdir = tempfile.mkdtemp(prefix="ringcast-sdp-verify-")
    try:
        return asyncio.run(run(tool, workdir))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
