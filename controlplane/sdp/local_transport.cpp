#include "sdp/local_transport.hpp"

namespace ringcast::controlplane::sdp {

std::string LocalCandidate::attribute_value() const {
  // RFC 8839 §5.1: foundation component-id transport priority address port "typ" type. Our
  // candidates are RTP/RTCP-muxed, so component 1 only.
  return foundation + " 1 " + protocol + " " + std::to_string(priority) + " " + ip + " " +
         std::to_string(port) + " typ " + type;
}

std::string LocalCandidate::connection() const {
  return ip.find(':') == std::string::npos ? "IN IP4 " + ip : "IN IP6 " + ip;
}

}  // namespace ringcast::controlplane::sdp
