#pragma once

#include <cstddef>
#include <string_view>

#include "sdp/sdp_result.hpp"
#include "sdp/session_description.hpp"

namespace ringcast::controlplane::sdp {

// Bounds for descriptions from the network: a browser's offer with a dozen tracks is about
// 30 KB, so these leave room while keeping a hostile client from making us work for long.
inline constexpr std::size_t kMaxSdpBytes = 64 * 1024;
inline constexpr std::size_t kMaxMediaSections = 64;

// Parses a session description (RFC 8866 syntax, the WebRTC attributes of RFC 8829 JSEP) into
// the model. Tolerant where browsers differ (LF or CRLF, a missing last line break, blank
// lines, unknown line types and attributes, attributes in any order, fmtp or rtcp-fb for a
// payload type the m= line does not list), strict where a value would be ambiguous (a
// malformed number, a duplicate mid or payload type, an unknown setup role). Never throws on
// bad input; every failure says what and on which line.
SdpResult<SessionDescription> parse_sdp(std::string_view text);

}  // namespace ringcast::controlplane::sdp
