#include "sdp/session_description.hpp"

#include <charconv>

namespace ringcast::controlplane::sdp {

bool Codec::is_rtx() const {
  return name.size() == 3 && (name[0] == 'r' || name[0] == 'R') &&
         (name[1] == 't' || name[1] == 'T') && (name[2] == 'x' || name[2] == 'X');
}

std::optional<std::string> Codec::fmtp_parameter(std::string_view key) const {
  std::string_view rest = fmtp;
  while (!rest.empty()) {
    const std::size_t semicolon = rest.find(';');
    std::string_view item = rest.substr(0, semicolon);
    rest = semicolon == std::string_view::npos ? std::string_view{} : rest.substr(semicolon + 1);
    while (!item.empty() && item.front() == ' ') {
      item.remove_prefix(1);
    }
    const std::size_t equals = item.find('=');
    if (equals != std::string_view::npos && item.substr(0, equals) == key) {
      return std::string(item.substr(equals + 1));
    }
  }
  return std::nullopt;
}

std::optional<uint8_t> Codec::rtx_apt() const {
  const std::optional<std::string> apt = fmtp_parameter("apt");
  if (!apt) {
    return std::nullopt;
  }
  unsigned value = 0;
  const auto [end, error] = std::from_chars(apt->data(), apt->data() + apt->size(), value);
  if (error != std::errc{} || end != apt->data() + apt->size() || value > 127) {
    return std::nullopt;
  }
  return static_cast<uint8_t>(value);
}

const Codec* MediaSection::find_codec(uint8_t payload_type) const {
  for (const Codec& codec : codecs) {
    if (codec.payload_type == payload_type) {
      return &codec;
    }
  }
  return nullptr;
}

const Codec* MediaSection::find_rtx_for(uint8_t payload_type) const {
  for (const Codec& codec : codecs) {
    if (codec.is_rtx() && codec.rtx_apt() == payload_type) {
      return &codec;
    }
  }
  return nullptr;
}

const Extmap* MediaSection::find_extmap(std::string_view uri) const {
  for (const Extmap& extmap : extmaps) {
    if (extmap.uri == uri) {
      return &extmap;
    }
  }
  return nullptr;
}

const SsrcInfo* MediaSection::find_ssrc(uint32_t ssrc) const {
  for (const SsrcInfo& info : ssrcs) {
    if (info.ssrc == ssrc) {
      return &info;
    }
  }
  return nullptr;
}

const SsrcGroup* MediaSection::find_ssrc_group(std::string_view semantics,
                                               uint32_t first_ssrc) const {
  for (const SsrcGroup& group : ssrc_groups) {
    if (group.semantics == semantics && !group.ssrcs.empty() && group.ssrcs.front() == first_ssrc) {
      return &group;
    }
  }
  return nullptr;
}

const Group* SessionDescription::bundle_group() const {
  for (const Group& group : groups) {
    if (group.semantics == "BUNDLE") {
      return &group;
    }
  }
  return nullptr;
}

const MediaSection* SessionDescription::find_media(std::string_view mid) const {
  for (const MediaSection& section : media) {
    if (section.mid == mid) {
      return &section;
    }
  }
  return nullptr;
}

std::string_view SessionDescription::ice_ufrag(const MediaSection& section) const {
  return section.transport.ice_ufrag.empty() ? std::string_view(transport.ice_ufrag)
                                             : std::string_view(section.transport.ice_ufrag);
}

std::string_view SessionDescription::ice_pwd(const MediaSection& section) const {
  return section.transport.ice_pwd.empty() ? std::string_view(transport.ice_pwd)
                                           : std::string_view(section.transport.ice_pwd);
}

const std::vector<Fingerprint>& SessionDescription::fingerprints(
    const MediaSection& section) const {
  return section.transport.fingerprints.empty() ? transport.fingerprints
                                                : section.transport.fingerprints;
}

SetupRole SessionDescription::setup(const MediaSection& section) const {
  return section.transport.setup == SetupRole::kNone ? transport.setup : section.transport.setup;
}

}  // namespace ringcast::controlplane::sdp
