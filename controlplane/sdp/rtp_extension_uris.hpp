#pragma once

#include <string_view>

namespace ringcast::controlplane::sdp {

// The RTP header extensions the data plane reads or writes (docs/sdp.md). An offered extension
// not in this list is left out of our answer, which is how RFC 8285 §7 declines it.
inline constexpr std::string_view kExtensionMid = "urn:ietf:params:rtp-hdrext:sdes:mid";
inline constexpr std::string_view kExtensionRid = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
inline constexpr std::string_view kExtensionRepairedRid =
    "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";
inline constexpr std::string_view kExtensionTransportCc =
    "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
inline constexpr std::string_view kExtensionAbsSendTime =
    "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
inline constexpr std::string_view kExtensionAudioLevel =
    "urn:ietf:params:rtp-hdrext:ssrc-audio-level";

}  // namespace ringcast::controlplane::sdp
