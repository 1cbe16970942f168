#pragma once

#include <string>
#include <vector>

#include "sdp/publish_plan.hpp"
#include "sdp/sdp_result.hpp"
#include "sdp/session_description.hpp"

namespace ringcast::controlplane::sdp {

// What the client accepted for one m-section of our subscriber offer.
struct AcceptedMedia {
  std::string mid;
  bool accepted = false;  // false: port 0 in the answer (the client rejected it)
  Direction direction = Direction::kInactive;  // the answer's, e.g. recvonly
  uint8_t payload_type = 0;                    // the codec the client kept (the first one it lists)
  uint8_t rtx_payload_type = 0;                // 0 = the client did not take RTX
  std::vector<RtcpFeedback> feedback;
  HeaderExtensionIds header_extensions;  // what the client accepted, with our ids
  bool operator==(const AcceptedMedia&) const = default;
};

struct SubscriberAnswer {
  RemoteTransport transport;  // remote ice/fingerprint, and the DTLS roles the answer fixes
  std::vector<AcceptedMedia> media;
  bool operator==(const SubscriberAnswer&) const = default;
};

// Reads a client's answer to our subscriber offer (docs/sdp.md, "Reading the answer").
// Checks what RFC 3264 §6 requires of an answer: the same m-sections in the same order with
// the same mids, only payload types and extension ids we offered, and an a=setup of active or
// passive (RFC 8842 §5.3; actpass is not an answer).
SdpResult<SubscriberAnswer> read_subscriber_answer(const SessionDescription& offer,
                                                   const SessionDescription& answer);

}  // namespace ringcast::controlplane::sdp
