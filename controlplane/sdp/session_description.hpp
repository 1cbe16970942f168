#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sdp/sdp_types.hpp"

namespace ringcast::controlplane::sdp {

// The model a description is parsed into and written from (docs/sdp.md). Plain data that
// compares with ==, so a parse -> write -> parse round trip can be checked field by field.
// Attributes the model does not name are kept in `other_attributes`, in their order.

// An attribute kept as text: `a=name` or `a=name:value`.
struct Attribute {
  std::string name;
  std::optional<std::string> value;
  bool operator==(const Attribute&) const = default;
};

// RFC 8122 §5: a=fingerprint:<hash function> <hex pairs separated by colons>.
struct Fingerprint {
  std::string algorithm;  // lower case, e.g. "sha-256"
  std::string value;      // upper-case hex pairs, e.g. "AB:CD:..."
  bool operator==(const Fingerprint&) const = default;
};

// RFC 4585 §4.2: a=rtcp-fb:<pt> <type> [<parameter>], e.g. "nack pli".
struct RtcpFeedback {
  std::string type;
  std::string parameter;  // empty when there is none
  bool operator==(const RtcpFeedback&) const = default;
};

// One payload type of an m-section: the format number from the m= line plus its rtpmap, fmtp
// and rtcp-fb. RTX (RFC 4588) is a codec named "rtx" whose fmtp has apt=<primary pt>.
struct Codec {
  uint8_t payload_type = 0;
  std::string name;  // as written in rtpmap ("opus", "VP8", "rtx"); empty when unknown
  uint32_t clock_rate = 0;
  uint32_t channels = 0;  // 0 when the rtpmap gives none
  std::string fmtp;       // the parameters as written, e.g. "minptime=10;useinbandfec=1"
  std::vector<RtcpFeedback> feedback;
  bool operator==(const Codec&) const = default;

  bool is_rtx() const;
  // The value of one fmtp parameter (key=value;key=value), if present.
  std::optional<std::string> fmtp_parameter(std::string_view key) const;
  // For an RTX codec: its apt (associated payload type), if valid.
  std::optional<uint8_t> rtx_apt() const;
};

// RFC 8285 §8: a=extmap:<id>[/<direction>] <uri> [<attributes>].
struct Extmap {
  uint16_t id = 0;
  std::optional<Direction> direction;
  std::string uri;
  std::string attributes;
  bool operator==(const Extmap&) const = default;
};

// RFC 5576 §4.1 a=ssrc lines, grouped by SSRC (attributes in their order of appearance).
struct SsrcInfo {
  uint32_t ssrc = 0;
  std::string cname;
  std::string msid;  // the whole "stream track" value of a=ssrc:<ssrc> msid:... (Plan B legacy)
  std::vector<Attribute> other_attributes;
  bool operator==(const SsrcInfo&) const = default;
};

// RFC 5576 §4.2: a=ssrc-group:<semantics> <ssrc>... (FID: primary then RTX; SIM: layers).
struct SsrcGroup {
  std::string semantics;
  std::vector<uint32_t> ssrcs;
  bool operator==(const SsrcGroup&) const = default;
};

// RFC 8851 §4: a=rid:<id> <send|recv> [pt=<list>;<restriction>=<value>...].
struct Rid {
  std::string id;
  RidDirection direction = RidDirection::kSend;
  std::vector<uint8_t> payload_types;  // from pt=; empty when not restricted
  std::string restrictions;            // the other restrictions as written (e.g. "max-width=640")
  bool operator==(const Rid&) const = default;
};

// RFC 8853 §5.1: one alternative of a simulcast stream; "~" marks it paused.
struct SimulcastRid {
  std::string rid;
  bool paused = false;
  bool operator==(const SimulcastRid&) const = default;
};

// a=simulcast:send <streams> recv <streams>: streams separated by ";", each a list of
// alternatives separated by ",".
struct Simulcast {
  std::vector<std::vector<SimulcastRid>> send;
  std::vector<std::vector<SimulcastRid>> recv;
  bool operator==(const Simulcast&) const = default;
};

// RFC 8830 §2: a=msid:<stream id> [<track id>].
struct Msid {
  std::string stream_id;
  std::string track_id;
  bool operator==(const Msid&) const = default;
};

// RFC 5888: a=group:<semantics> <mid>... (BUNDLE, RFC 8843; LS...).
struct Group {
  std::string semantics;
  std::vector<std::string> mids;
  bool operator==(const Group&) const = default;
};

// Attributes both levels may carry (RFC 8839 §5 ICE, RFC 8842 §5 DTLS). Media level overrides
// session level where both are given.
struct TransportAttributes {
  std::string ice_ufrag;
  std::string ice_pwd;
  std::vector<std::string> ice_options;
  std::vector<Fingerprint> fingerprints;
  SetupRole setup = SetupRole::kNone;
  bool operator==(const TransportAttributes&) const = default;
};

struct MediaSection {
  // m=<media> <port>[/<count>] <proto> <fmt>...
  MediaKind kind = MediaKind::kOther;
  std::string media;  // the media token as written ("audio", "video", "application", ...)
  uint16_t port = 0;
  std::string protocol;              // "UDP/TLS/RTP/SAVPF"
  std::vector<std::string> formats;  // the fmt tokens, in order (payload types for RTP)
  std::string connection;            // the c= value, empty when none

  std::string mid;
  Direction direction = Direction::kSendRecv;
  bool direction_present = false;  // false: no direction attribute (sendrecv by default)
  bool bundle_only = false;        // RFC 8843 §6
  TransportAttributes transport;
  std::vector<std::string> candidates;  // a=candidate values, as written (RFC 8839 §5.1)
  bool end_of_candidates = false;
  std::string rtcp;  // the a=rtcp value, as written
  bool rtcp_mux = false;
  bool rtcp_mux_only = false;
  bool rtcp_rsize = false;

  std::vector<Codec> codecs;  // RTP m-sections: one per payload type of the m= line, in order
  std::vector<Extmap> extmaps;
  bool extmap_allow_mixed = false;
  std::vector<Msid> msids;
  std::vector<SsrcInfo> ssrcs;
  std::vector<SsrcGroup> ssrc_groups;
  std::vector<Rid> rids;
  std::optional<Simulcast> simulcast;
  std::vector<Attribute> other_attributes;
  bool operator==(const MediaSection&) const = default;

  bool rejected() const { return port == 0 && !bundle_only; }
  bool is_rtp() const { return protocol.find("RTP/") != std::string::npos; }

  const Codec* find_codec(uint8_t payload_type) const;
  // The RTX codec whose apt is `payload_type`, if any.
  const Codec* find_rtx_for(uint8_t payload_type) const;
  const Extmap* find_extmap(std::string_view uri) const;
  const SsrcInfo* find_ssrc(uint32_t ssrc) const;
  const SsrcGroup* find_ssrc_group(std::string_view semantics, uint32_t first_ssrc) const;
};

// RFC 8866 §5.2: o=<username> <sess-id> <sess-version> <nettype> <addrtype> <address>.
struct Origin {
  std::string username = "-";
  std::string session_id = "0";
  uint64_t session_version = 0;
  std::string net_type = "IN";
  std::string address_type = "IP4";
  std::string address = "127.0.0.1";
  bool operator==(const Origin&) const = default;
};

struct SessionDescription {
  Origin origin;
  std::string session_name = "-";
  std::string timing = "0 0";
  std::string connection;  // session-level c=, empty when none
  std::vector<Group> groups;
  bool ice_lite = false;
  TransportAttributes transport;
  std::string msid_semantic;  // the a=msid-semantic value, as written
  bool extmap_allow_mixed = false;
  std::vector<Extmap> extmaps;  // session-level extmaps (RFC 8285 §8 allows them)
  std::vector<Attribute> other_attributes;
  std::vector<MediaSection> media;
  bool operator==(const SessionDescription&) const = default;

  // RFC 8843: the first BUNDLE group, if any.
  const Group* bundle_group() const;
  const MediaSection* find_media(std::string_view mid) const;

  // RFC 8839 §5.4/§5.5 and RFC 8122 §5: a media-level value wins over the session-level one.
  std::string_view ice_ufrag(const MediaSection& media) const;
  std::string_view ice_pwd(const MediaSection& media) const;
  const std::vector<Fingerprint>& fingerprints(const MediaSection& media) const;
  SetupRole setup(const MediaSection& media) const;
};

}  // namespace ringcast::controlplane::sdp
