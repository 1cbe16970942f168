#pragma once

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "sdp/local_transport.hpp"
#include "sdp/sdp_parser.hpp"

namespace ringcast::controlplane::sdp::testing {

inline std::string data_path(const std::string& name) {
  return std::string(RINGCAST_SDP_DATA_DIR) + "/" + name;
}

inline std::string read_data(const std::string& name) {
  std::ifstream file(data_path(name), std::ios::binary);
  if (!file) {
    throw std::runtime_error("cannot read " + data_path(name));
  }
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

inline SessionDescription parse_data(const std::string& name) {
  return parse_sdp(read_data(name)).value();
}

// Every captured or hand-written publisher offer under tests/data/sdp/.
inline const std::vector<std::string>& publisher_offers() {
  static const std::vector<std::string> kOffers = {"chromium-156-publish-av.sdp",
                                                   "chromium-156-publish-simulcast.sdp",
                                                   "chromium-156-publish-screenshare.sdp",
                                                   "chromium-156-publish-av-datachannel.sdp",
                                                   "chromium-156-recvonly.sdp",
                                                   "aiortc-1.4-publish-av.sdp",
                                                   "firefox-handwritten-publish-simulcast.sdp"};
  return kOffers;
}

// The data plane's side of a transport as a test sees it.
inline LocalTransport test_local_transport() {
  LocalTransport local;
  local.ice_ufrag = "rcsdptest0001abcd";
  local.ice_pwd = "rcsdptestpassword0123456789abcd";
  local.fingerprints.push_back(
      {"sha-256",
       "9F:41:0C:3B:7A:E2:58:D6:11:8C:4F:A0:27:B9:63:DE:05:F1:7C:92:4A:38:E6:1D:B7:50:2C:89:"
       "F4:6A:13:CB"});
  LocalCandidate candidate;
  candidate.ip = "127.0.0.1";
  candidate.port = 40000;
  local.candidates.push_back(candidate);
  return local;
}

}  // namespace ringcast::controlplane::sdp::testing
