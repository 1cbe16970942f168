#pragma once

#include <string>

#include "sdp/session_description.hpp"

namespace ringcast::controlplane::sdp {

// Writes the model as text with CRLF line ends (RFC 8866 §5). parse_sdp(write_sdp(d)) gives
// back `d` for any model parse_sdp produced; attributes come in a fixed order (transport, mid,
// extmaps, direction, msid, rtcp, codecs, rids, simulcast, ssrcs, then the unknown ones).
std::string write_sdp(const SessionDescription& description);

}  // namespace ringcast::controlplane::sdp
