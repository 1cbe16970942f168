#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sdp/session_description.hpp"

namespace ringcast::controlplane::sdp {

// What a publisher offer asks of the data plane, independent of the wire schema so that the
// SDP code and its tests need no proto. The names follow control.proto's WebRTC messages
// (HeaderExtensionIds, Encoding, DtlsRole, DtlsFingerprint, ConnectWebRtcTransport) so the
// adapter is a field-by-field copy; produce_request.hpp is that adapter.

// RFC 8285 extension ids as the sender uses them; 0 = not negotiated.
struct HeaderExtensionIds {
  uint8_t mid = 0;
  uint8_t rid = 0;
  uint8_t repaired_rid = 0;
  uint8_t transport_cc = 0;
  uint8_t abs_send_time = 0;
  uint8_t audio_level = 0;
  bool operator==(const HeaderExtensionIds&) const = default;
};

// One simulcast encoding (RFC 8853), or the single stream of a non-simulcast m-section.
struct EncodingPlan {
  std::string rid;        // RFC 8851; empty when the encoding is identified by SSRC
  uint32_t ssrc = 0;      // 0 when only the rid is known (learnt from the first packets)
  uint32_t rtx_ssrc = 0;  // from a=ssrc-group:FID; 0 when unknown
  bool paused = false;    // "~rid" in a=simulcast (RFC 8853 §5.1)
  bool operator==(const EncodingPlan&) const = default;
};

// One sending m-section of a publisher offer: what a Produce request needs.
struct ProducePlan {
  std::string mid;
  MediaKind kind = MediaKind::kAudio;
  std::string codec;  // as the offer spells it: "opus", "VP8", "H264", "VP9"
  uint8_t payload_type = 0;
  uint32_t clock_rate = 0;
  uint32_t channels = 0;
  std::string fmtp;                    // the chosen codec's parameters, echoed in the answer
  uint8_t rtx_payload_type = 0;        // RFC 4588; 0 = none
  std::vector<RtcpFeedback> feedback;  // the accepted rtcp-fb of the chosen codec
  std::vector<Extmap> extmaps;         // the accepted extmaps, with the offer's ids
  HeaderExtensionIds header_extensions;
  std::vector<EncodingPlan> encodings;  // lowest first; at most kMaxSimulcastEncodings
  bool simulcast_by_rid = false;        // true: the answer echoes a=rid + a=simulcast:recv
  std::string stream_id;                // a=msid (RFC 8830), for the track's announcement
  std::string track_id;
  std::string cname;
  bool operator==(const ProducePlan&) const = default;

  const Extmap* find_extmap(std::string_view uri) const {
    for (const Extmap& extmap : extmaps) {
      if (extmap.uri == uri) {
        return &extmap;
      }
    }
    return nullptr;
  }
};

// RFC 8842 §5 / RFC 5763 §5: the DTLS role of one side. kAuto: not decided yet.
enum class DtlsRole { kAuto, kClient, kServer };

// What ConnectWebRtcTransport needs about the remote side.
struct RemoteTransport {
  std::string ice_ufrag;
  std::string ice_pwd;
  std::vector<Fingerprint> fingerprints;  // the first one is what the data plane checks
  DtlsRole remote_role = DtlsRole::kAuto;
  DtlsRole local_role = DtlsRole::kAuto;         // ours, implied by the answer we give
  SetupRole answer_setup = SetupRole::kPassive;  // the a=setup our answer carries
  bool operator==(const RemoteTransport&) const = default;
};

// How we answer an m-section of the offer.
enum class MediaDisposition {
  kProduce,   // a sending m-section we take: recvonly in the answer, a ProducePlan
  kInactive,  // an RTP m-section with a usable codec that sends nothing to us: inactive
  kRejected,  // port 0 in the answer (unsupported media, protocol or codec)
};

struct MediaPlan {
  std::string mid;
  MediaDisposition disposition = MediaDisposition::kRejected;
  std::string reason;  // why it is rejected, for logs
  // For kProduce and kInactive: the codec choice (only mid, kind, codec, payload type, rtx,
  // feedback and extmaps are meaningful for kInactive).
  ProducePlan produce;
  bool operator==(const MediaPlan&) const = default;
};

// The result of mapping a publisher offer, one MediaPlan per offered m-section, in order.
struct PublishPlan {
  RemoteTransport transport;
  std::vector<MediaPlan> media;
  bool operator==(const PublishPlan&) const = default;

  // The plans of the m-sections that produce, in m-section order.
  std::vector<const ProducePlan*> produces() const {
    std::vector<const ProducePlan*> plans;
    for (const MediaPlan& plan : media) {
      if (plan.disposition == MediaDisposition::kProduce) {
        plans.push_back(&plan.produce);
      }
    }
    return plans;
  }
};

// RFC 8853 allows any number; the data plane's layer switching handles three.
inline constexpr std::size_t kMaxSimulcastEncodings = 3;

}  // namespace ringcast::controlplane::sdp
