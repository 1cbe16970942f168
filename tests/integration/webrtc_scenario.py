"""Setting up ringcast objects for aiortc peers (see webrtc_peer.py): one WebRtcTransport per
peer connection, producers from a publisher's offer, consumers offered to a subscriber."""

import os
import random

from aiortc import RTCSessionDescription

from ringcast_control import ControlClient, import_control_pb2
from ringcast_testlib import Process, allowed_cores, free_udp_port_range, temporary_directory, wait_until
from webrtc_peer import codec_lines, media_section, new_peer, parse_media, session

URI_MID = "urn:ietf:params:rtp-hdrext:sdes:mid"
URI_AUDIO_LEVEL = "urn:ietf:params:rtp-hdrext:ssrc-audio-level"
URI_ABS_SEND_TIME = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"
URI_TRANSPORT_CC = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"


class DataPlane:
    """A ringcast-dataplane with one shard and a control connection, always stopped."""

    def __init__(self, bin_dir, directory):
        self.pb = import_control_pb2(bin_dir)
        port_base = free_udp_port_range(1)
        self.socket_path = os.path.join(directory, "dataplane.sock")
        config = os.path.join(directory, "ringcast.toml")
        with open(config, "w") as f:
            f.write(f'[dataplane]\nudp_port_base = {port_base}\ncores = {allowed_cores(1)}\n'
                    f'control_socket = "{self.socket_path}"\n')
        self.process = Process([f"{bin_dir}/ringcast-dataplane", "--config", config])
        wait_until(lambda: os.path.exists(self.socket_path), 10, "the control socket")
        self.control = ControlClient(self.pb, self.socket_path)
        self.control.call(create_router=self.pb.CreateRouter(router_id="room", shard=0))

    def stop(self):
        self.control.close()
        code, _ = self.process.terminate()
        output = self.process.output()
        self.process.close()
        assert code == 0, output

    def stats(self, object_id):
        return dict(self.control.call(get_object_stats=self.pb.ObjectRef(id=object_id)).object_stats.counters)


def extension_ids(pb, media, wanted):
    ids = pb.HeaderExtensionIds()
    for uri, field in ((URI_MID, "mid"), (URI_AUDIO_LEVEL, "audio_level"),
                       (URI_ABS_SEND_TIME, "abs_send_time"), (URI_TRANSPORT_CC, "transport_cc")):
        if uri in media["extmaps"] and uri in wanted:
            setattr(ids, field, media["extmaps"][uri])
    return ids


async def publish(dp, name, tracks, max_incoming_bitrate=0, fingerprint_override=None,
                  encodings_by_ssrc=False):
    """A sendonly aiortc peer with `tracks` (all of one kind), answered by ringcast. Returns the
    peer connection and the producer id. With encodings_by_ssrc, several video tracks become
    one simulcast producer whose encodings are told apart by SSRC (lowest first)."""
    pb = dp.pb
    pc = new_peer()
    for track in tracks:
        pc.addTransceiver(track, direction="sendonly")
    await pc.setLocalDescription(await pc.createOffer())
    offer = pc.localDescription.sdp
    sections = ["m=" + part for part in offer.split("\r\nm=")[1:]]
    header = offer.split("\r\nm=")[0] + "\r\n"
    medias = [parse_media(header + section) for section in sections]
    kind = medias[0]["kind"]
    info = dp.control.call(create_webrtc_transport=pb.CreateWebRtcTransport(
        router_id="room", transport_id=name, max_incoming_bitrate_bps=max_incoming_bitrate)).webrtc_transport
    algorithm, value = fingerprint_override or medias[0]["fingerprint"]
    # aiortc offers a=setup:actpass; we answer passive, so it is the DTLS client.
    dp.control.call(connect_webrtc_transport=pb.ConnectWebRtcTransport(
        transport_id=name, remote_ice_ufrag=medias[0]["ufrag"], remote_ice_pwd=medias[0]["pwd"],
        remote_fingerprint=pb.DtlsFingerprint(algorithm=algorithm, value=value),
        remote_role=pb.DTLS_ROLE_CLIENT))
    codec = "vp8" if kind == "video" else "opus"
    feedback = ["nack", "nack pli", "goog-remb"] if kind == "video" else []
    wanted = {URI_MID, URI_AUDIO_LEVEL}
    answer_sections = []
    for media in medias:
        extmaps = [f"a=extmap:{media['extmaps'][uri]} {uri}" for uri in wanted if uri in media["extmaps"]]
        answer_sections.append(media_section(kind, info.candidates[0].port, media["mid"], "recvonly",
                                             codec_lines(media, codec, feedback), info, "passive", extmaps))
    answer = session([m["mid"] for m in medias], answer_sections)
    await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))

    first = medias[0]
    pt, rtpmap = first["rtpmaps"][codec]
    clock = int(rtpmap.split("/")[1])
    producer = pb.Produce(transport_id=name, producer_id=f"{name}-{kind}",
                          kind=pb.MEDIA_KIND_VIDEO if kind == "video" else pb.MEDIA_KIND_AUDIO,
                          codec="VP8" if kind == "video" else "opus", payload_type=pt,
                          clock_rate=clock, rtx_payload_type=first["rtx_for"].get(pt, 0),
                          header_extensions=extension_ids(pb, first, wanted))
    if encodings_by_ssrc:
        for media in medias:
            producer.encodings.add(ssrc=media["ssrc"], rtx_ssrc=media["rtx_ssrc"] or 0)
    else:
        producer.ssrc = first["ssrc"]
        producer.mid = first["mid"]
        producer.encodings.add(ssrc=first["ssrc"], rtx_ssrc=first["rtx_ssrc"] or 0)
    dp.control.call(produce=producer)
    return pc, producer.producer_id, first


async def subscribe(dp, name, producer_id, publisher_media, preferred_layer=-1):
    """A recvonly aiortc peer to which ringcast offers one consumer of `producer_id`. Returns
    the peer connection, the consumer id and the received track."""
    pb = dp.pb
    kind = publisher_media["kind"]
    codec = "vp8" if kind == "video" else "opus"
    info = dp.control.call(create_webrtc_transport=pb.CreateWebRtcTransport(
        router_id="room", transport_id=name)).webrtc_transport
    ssrc, rtx_ssrc = random.randint(1, 2**31), random.randint(1, 2**31)
    pt, _ = publisher_media["rtpmaps"][codec]
    rtx_pt = publisher_media["rtx_for"].get(pt)
    feedback = ["nack", "nack pli", "goog-remb"] if kind == "video" else []
    ssrc_lines = [f"a=ssrc:{ssrc} cname:ringcast", f"a=ssrc:{ssrc} msid:ringcast {name}"]
    if rtx_pt:
        ssrc_lines = [f"a=ssrc-group:FID {ssrc} {rtx_ssrc}"] + ssrc_lines + [
            f"a=ssrc:{rtx_ssrc} cname:ringcast", f"a=ssrc:{rtx_ssrc} msid:ringcast {name}"]
    offer = session(["0"], [media_section(kind, info.candidates[0].port, "0", "sendonly",
                                          codec_lines(publisher_media, codec, feedback), info,
                                          "actpass", [f"a=msid:ringcast {name}"] + ssrc_lines)])
    pc = new_peer()
    tracks = []
    pc.on("track", tracks.append)
    await pc.setRemoteDescription(RTCSessionDescription(sdp=offer, type="offer"))
    await pc.setLocalDescription(await pc.createAnswer())
    answer = parse_media(pc.localDescription.sdp)
    role = pb.DTLS_ROLE_CLIENT if answer["setup"] == "active" else pb.DTLS_ROLE_SERVER
    dp.control.call(connect_webrtc_transport=pb.ConnectWebRtcTransport(
        transport_id=name, remote_ice_ufrag=answer["ufrag"], remote_ice_pwd=answer["pwd"],
        remote_fingerprint=pb.DtlsFingerprint(algorithm=answer["fingerprint"][0],
                                              value=answer["fingerprint"][1]),
        remote_role=role))
    consumer_id = f"{name}-consumer"
    dp.control.call(consume=pb.Consume(transport_id=name, consumer_id=consumer_id, producer_id=producer_id,
                                       ssrc=ssrc, payload_type=pt, rtx_payload_type=rtx_pt or 0,
                                       rtx_ssrc=rtx_ssrc if rtx_pt else 0, preferred_layer=preferred_layer))
    assert tracks, "aiortc made no track from ringcast's offer"
    return pc, consumer_id, tracks[0]
