"""The test's side of WebRTC scenarios: aiortc peers (Debian's python3-aiortc) whose SDP is
answered, or offered, by hand from the data plane's WebRtcTransportInfo, standing in for the
signaling server that a later layer provides. Nothing here decides anything media-related: the
data plane does ICE, DTLS, SRTP and forwarding; aiortc does the rest."""

import asyncio
import fractions
import math
import re

import aioice.ice
import numpy
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import AudioStreamTrack, VideoStreamTrack
from av import AudioFrame, VideoFrame

# aioice gathers every host address except 127.0.0.1; these tests must stay on loopback.
aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"]


class ColourBars(VideoStreamTrack):
    """Moving synthetic video, so the encoder has real work and key frames."""

    def __init__(self, width=320, height=240):
        super().__init__()
        self.width, self.height, self.n = width, height, 0

    async def recv(self):
        pts, time_base = await self.next_timestamp()
        image = numpy.zeros((self.height, self.width, 3), numpy.uint8)
        image[:, :, 0] = (numpy.arange(self.width) + self.n * 4) % 256
        image[:, :, 1] = (numpy.arange(self.height)[:, None] + self.n * 2) % 256
        image[:, :, 2] = (self.n * 8) % 256
        self.n += 1
        frame = VideoFrame.from_ndarray(image, format="bgr24")
        frame.pts, frame.time_base = pts, time_base
        return frame


class Tone(AudioStreamTrack):
    """A 440 Hz sine in 20 ms frames (what Opus wants)."""

    def __init__(self):
        super().__init__()
        self.samples = 0

    async def recv(self):
        frame = await super().recv()  # keeps aiortc's pacing and timestamps
        count = frame.samples
        t = (numpy.arange(count) + self.samples) / 48000.0
        self.samples += count
        tone = (numpy.sin(2 * math.pi * 440 * t) * 8000).astype(numpy.int16)
        out = AudioFrame.from_ndarray(tone.reshape(1, -1), format="s16", layout="mono")
        out.sample_rate, out.pts, out.time_base = 48000, frame.pts, fractions.Fraction(1, 48000)
        return out


def new_peer():
    return RTCPeerConnection(RTCConfiguration(iceServers=[]))


def attribute(sdp, name):
    match = re.search(rf"^a={re.escape(name)}:(.*?)\r?$", sdp, re.MULTILINE)
    return match.group(1).strip() if match else None


def all_attributes(sdp, name):
    return [m.strip() for m in re.findall(rf"^a={re.escape(name)}:(.*?)\r?$", sdp, re.MULTILINE)]


def parse_media(sdp):
    """The few facts of a one-m-section aiortc SDP that the data plane needs."""
    kind = re.search(r"^m=(audio|video) ", sdp, re.MULTILINE).group(1)
    rtpmaps = {}
    for line in all_attributes(sdp, "rtpmap"):
        pt, codec = line.split(" ", 1)
        rtpmaps[codec.split("/")[0].lower()] = (int(pt), codec)
    rtx_for = {}
    for line in all_attributes(sdp, "fmtp"):
        pt, params = line.split(" ", 1)
        match = re.search(r"apt=(\d+)", params)
        if match:
            rtx_for[int(match.group(1))] = int(pt)
    extmaps = {}
    for line in all_attributes(sdp, "extmap"):
        ident, uri = line.split(" ")[:2]
        extmaps[uri] = int(ident.split("/")[0])
    ssrcs = [int(line.split(" ")[0]) for line in all_attributes(sdp, "ssrc")]
    fid = attribute(sdp, "ssrc-group")
    primary, rtx = (None, None)
    if fid and fid.startswith("FID"):
        primary, rtx = (int(x) for x in fid.split(" ")[1:3])
    elif ssrcs:
        primary = ssrcs[0]
    fingerprint = attribute(sdp, "fingerprint").split(" ", 1)
    return {
        "kind": kind, "mid": attribute(sdp, "mid"), "rtpmaps": rtpmaps, "rtx_for": rtx_for,
        "extmaps": extmaps, "ssrc": primary, "rtx_ssrc": rtx,
        "ufrag": attribute(sdp, "ice-ufrag"), "pwd": attribute(sdp, "ice-pwd"),
        "fingerprint": (fingerprint[0], fingerprint[1]), "setup": attribute(sdp, "setup"),
    }


def transport_lines(info, setup):
    candidate = info.candidates[0]
    return [
        f"a=ice-ufrag:{info.ice_ufrag}", f"a=ice-pwd:{info.ice_pwd}",
        f"a=fingerprint:{info.fingerprints[0].algorithm} {info.fingerprints[0].value}",
        f"a=setup:{setup}", "a=rtcp-mux",
        f"a=candidate:1 1 udp {candidate.priority} {candidate.ip} {candidate.port} typ host",
        "a=end-of-candidates",
    ]


def media_section(kind, port, mid, direction, codec_lines, info, setup, extra=()):
    pts = " ".join(str(pt) for pt, _ in codec_lines)
    lines = [f"m={kind} {port} UDP/TLS/RTP/SAVPF {pts}", "c=IN IP4 127.0.0.1", f"a=mid:{mid}",
             f"a={direction}"]
    lines += transport_lines(info, setup)
    for _, codec in codec_lines:
        lines += codec
    lines += list(extra)
    return lines


def session(mids, sections):
    lines = ["v=0", "o=ringcast 1 1 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=ice-lite",
             "a=group:BUNDLE " + " ".join(mids), "a=msid-semantic:WMS *"]
    for section in sections:
        lines += section
    return "\r\n".join(lines) + "\r\n"


def codec_lines(media, name, feedback):
    pt, rtpmap = media["rtpmaps"][name]
    lines = [(pt, [f"a=rtpmap:{pt} {rtpmap}"] + [f"a=rtcp-fb:{pt} {fb}" for fb in feedback])]
    if name == "opus":
        lines[0][1].append(f"a=fmtp:{pt} minptime=10;useinbandfec=1")
    rtx = media["rtx_for"].get(pt)
    if rtx is not None:
        lines.append((rtx, [f"a=rtpmap:{rtx} rtx/90000", f"a=fmtp:{rtx} apt={pt}"]))
    return lines


async def count_frames(track, wanted, timeout):
    """Decoded frames received on `track` (stops at `wanted` or after `timeout` seconds)."""
    count = 0
    sizes = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while count < wanted and loop.time() < deadline:
        try:
            frame = await asyncio.wait_for(track.recv(), max(0.1, deadline - loop.time()))
        except (asyncio.TimeoutError, Exception):
            break
        count += 1
        if hasattr(frame, "width"):
            sizes.append((frame.width, frame.height))
    return count, sizes
