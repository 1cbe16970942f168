#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sdp/local_transport.hpp"
#include "sdp/publish_plan.hpp"
#include "sdp/session_description.hpp"

namespace ringcast::controlplane::sdp {

// One consumer the server delivers on a subscriber connection: what its m-section says.
struct ConsumerTrack {
  MediaKind kind = MediaKind::kVideo;
  // RFC 8830 msid of the remote participant's stream and track, so the client can tell whose
  // media it is and group a participant's audio and video.
  std::string stream_id;
  std::string track_id;
  std::string cname;      // RFC 7022; the data plane's SR/SDES carry the same
  uint32_t ssrc = 0;      // the consumer's own SSRC (Consume.ssrc)
  uint32_t rtx_ssrc = 0;  // 0 = no RTX
  // The codec the consumer sends; the payload types are ours to pick in an offer (RFC 3264 §5.1).
  std::string codec;  // "opus", "VP8", ...
  uint8_t payload_type = 0;
  uint32_t clock_rate = 0;
  uint32_t channels = 0;
  std::string fmtp;
  uint8_t rtx_payload_type = 0;  // 0 = no RTX
  std::vector<RtcpFeedback> feedback;
  bool operator==(const ConsumerTrack&) const = default;
};

// The server's offers on a subscriber connection, renegotiated as tracks come and go
// (docs/sdp.md, "The subscriber offer"). It keeps the JSEP rules of RFC 8829 §5.2.2:
// m-sections are never removed or reordered; a removed track's m-section is offered with
// port 0 and inactive; once that removal has been answered, the slot is recycled for the next
// new track, with a new mid, since a mid is never reused.
class SubscriberOfferBuilder {
 public:
  SubscriberOfferBuilder(LocalTransport local, Origin origin);

  // Adds a track; returns the mid of its m-section.
  std::string add_track(ConsumerTrack track);
  // Marks the track of `mid` removed (a track added since the last offer is just dropped);
  // false when there is no live track with that mid.
  bool remove_track(std::string_view mid);
  // The next offer (the o= version goes up by one from the second offer on, RFC 8866 §5.2).
  SessionDescription build_offer();
  // Records that the client answered the last offer: the removals in it become slots a new
  // track may recycle.
  void answer_applied();

  const std::optional<ConsumerTrack>& track(std::string_view mid) const;
  std::size_t section_count() const { return slots_.size(); }

  // The extensions we write in every subscriber m-section of a kind, with fixed ids (the
  // same across the BUNDLE group, RFC 8843 §9.2).
  static std::vector<Extmap> extensions_for(MediaKind kind);

 private:
  enum class SlotState { kLive, kRemoved, kRecyclable };
  struct Slot {
    std::string mid;
    SlotState state = SlotState::kLive;
    std::optional<ConsumerTrack> track;
    MediaKind kind = MediaKind::kVideo;
    bool offered = false;  // the removal has been part of an offer
  };

  MediaSection live_section(const Slot& slot) const;
  MediaSection removed_section(const Slot& slot) const;

  LocalTransport local_;
  Origin origin_;
  std::vector<Slot> slots_;
  uint64_t next_mid_ = 0;
  std::size_t offered_sections_ = 0;  // m-sections in the last offer built
  bool first_offer_ = true;
};

}  // namespace ringcast::controlplane::sdp
