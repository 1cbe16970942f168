#include "sdp/sdp_parser.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ringcast::controlplane::sdp {
namespace {

// Longest token we keep (ids, ufrags, mids...): RFC 8839 caps ufrag and pwd at 256 characters.
constexpr std::size_t kMaxTokenLength = 256;

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

// Splits on runs of spaces; empty tokens are skipped (some stacks double the separators).
std::vector<std::string_view> split_spaces(std::string_view text) {
  std::vector<std::string_view> tokens;
  std::size_t position = 0;
  while (position < text.size()) {
    while (position < text.size() && text[position] == ' ') {
      ++position;
    }
    const std::size_t start = position;
    while (position < text.size() && text[position] != ' ') {
      ++position;
    }
    if (position > start) {
      tokens.push_back(text.substr(start, position - start));
    }
  }
  return tokens;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) {
      return parts;
    }
    start = end + 1;
  }
}

template <typename T>
std::optional<T> parse_number(std::string_view text, T max = std::numeric_limits<T>::max()) {
  T value{};
  if (text.empty() || text.front() == '-' || text.front() == '+') {
    return std::nullopt;
  }
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || value > max) {
    return std::nullopt;
  }
  return value;
}

bool is_token(std::string_view text) {
  if (text.empty() || text.size() > kMaxTokenLength) {
    return false;
  }
  return std::all_of(text.begin(), text.end(), [](char c) { return c > ' ' && c < 127; });
}

// RFC 8851 §10: rid-id = 1*(alpha-numeric / "-" / "_").
bool is_rid_id(std::string_view text) {
  if (text.empty() || text.size() > kMaxTokenLength) {
    return false;
  }
  return std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
  });
}

bool is_hex_pairs(std::string_view text) {
  // RFC 8122 §5: 2UHEX *(":" 2UHEX); lower case is accepted and normalised.
  if (text.size() < 2 || (text.size() + 1) % 3 != 0) {
    return false;
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool separator = i % 3 == 2;
    if (separator ? text[i] != ':' : std::isxdigit(static_cast<unsigned char>(text[i])) == 0) {
      return false;
    }
  }
  return true;
}

// RFC 3551 §6: the static payload types a WebRTC stack may list without an rtpmap.
void apply_static_payload_type(Codec& codec) {
  struct Static {
    uint8_t payload_type;
    const char* name;
    uint32_t clock_rate;
    uint32_t channels;
  };
  static constexpr Static kStatic[] = {
      {0, "PCMU", 8000, 1}, {8, "PCMA", 8000, 1}, {9, "G722", 8000, 1}, {13, "CN", 8000, 1}};
  for (const Static& entry : kStatic) {
    if (entry.payload_type == codec.payload_type) {
      codec.name = entry.name;
      codec.clock_rate = entry.clock_rate;
      codec.channels = entry.channels;
    }
  }
}

class Parser {
 public:
  SdpResult<SessionDescription> run(std::string_view text);

 private:
  std::optional<SdpError> parse_line(char type, std::string_view value);
  std::optional<SdpError> parse_origin(std::string_view value);
  std::optional<SdpError> parse_media_line(std::string_view value);
  std::optional<SdpError> parse_session_attribute(std::string_view name,
                                                  std::optional<std::string_view> value);
  std::optional<SdpError> parse_media_attribute(MediaSection& media, std::string_view name,
                                                std::optional<std::string_view> value);
  // Attributes both levels may carry; nullopt-wrapped "not handled" is `handled == false`.
  std::optional<SdpError> parse_transport_attribute(TransportAttributes& transport,
                                                    std::string_view name,
                                                    std::optional<std::string_view> value,
                                                    bool& handled);
  std::optional<SdpError> parse_extmap(std::vector<Extmap>& extmaps, std::string_view value);
  std::optional<SdpError> parse_rtpmap(MediaSection& media, std::string_view value);
  std::optional<SdpError> parse_fmtp(MediaSection& media, std::string_view value);
  std::optional<SdpError> parse_rtcp_fb(MediaSection& media, std::string_view value);
  std::optional<SdpError> parse_ssrc(MediaSection& media, std::string_view value);
  std::optional<SdpError> parse_ssrc_group(MediaSection& media, std::string_view value);
  std::optional<SdpError> parse_rid(MediaSection& media, std::string_view value);
  std::optional<SdpError> parse_simulcast(MediaSection& media, std::string_view value);
  std::optional<SdpError> parse_group(std::string_view value);

  SdpError error(std::string reason) const { return SdpError{std::move(reason), line_number_}; }
  SdpError missing_value(std::string_view name) const {
    return error("a=" + std::string(name) + " needs a value");
  }

  SessionDescription description_;
  std::size_t line_number_ = 0;
  bool seen_version_ = false;
  bool seen_origin_ = false;
};

SdpResult<SessionDescription> Parser::run(std::string_view text) {
  if (text.size() > kMaxSdpBytes) {
    return SdpError{"the description is " + std::to_string(text.size()) + " bytes; the limit is " +
                        std::to_string(kMaxSdpBytes),
                    0};
  }
  std::size_t position = 0;
  while (position < text.size()) {
    std::size_t end = text.find('\n', position);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    std::string_view line = text.substr(position, end - position);
    position = end + 1;
    ++line_number_;
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (trim(line).empty()) {
      continue;
    }
    if (line.size() < 2 || line[1] != '=' || line[0] < 'a' || line[0] > 'z') {
      return error("not a <type>=<value> line");
    }
    if (!seen_version_ && line[0] != 'v') {
      return error("a description starts with v=0");
    }
    if (std::optional<SdpError> failure = parse_line(line[0], line.substr(2))) {
      return std::move(*failure);
    }
  }
  if (!seen_version_) {
    return SdpError{"the description is empty", 0};
  }
  if (!seen_origin_) {
    return SdpError{"the description has no o= line", 0};
  }
  return std::move(description_);
}

std::optional<SdpError> Parser::parse_line(char type, std::string_view value) {
  switch (type) {
    case 'v':
      if (seen_version_) {
        return error("a second v= line");
      }
      if (trim(value) != "0") {
        return error("only SDP version 0 exists (RFC 8866 §5.1)");
      }
      seen_version_ = true;
      return std::nullopt;
    case 'o':
      return parse_origin(value);
    case 's':
      if (description_.media.empty()) {
        // RFC 8866 §5.3: "s=-" stands for no name; an empty one is read the same way.
        description_.session_name = trim(value).empty() ? "-" : std::string(trim(value));
      }
      return std::nullopt;
    case 't':
      if (description_.media.empty()) {
        description_.timing = trim(value).empty() ? "0 0" : std::string(trim(value));
      }
      return std::nullopt;
    case 'c':
      (description_.media.empty() ? description_.connection
                                  : description_.media.back().connection) =
          std::string(trim(value));
      return std::nullopt;
    case 'm':
      return parse_media_line(value);
    case 'a': {
      const std::string_view attribute = trim(value);
      const std::size_t colon = attribute.find(':');
      const std::string_view name = attribute.substr(0, colon);
      std::optional<std::string_view> attribute_value;
      if (colon != std::string_view::npos) {
        attribute_value = trim(attribute.substr(colon + 1));
      }
      if (name.empty()) {
        return error("an attribute without a name");
      }
      if (description_.media.empty()) {
        return parse_session_attribute(name, attribute_value);
      }
      return parse_media_attribute(description_.media.back(), name, attribute_value);
    }
    default:
      // i=, u=, e=, p=, b=, r=, z=, k=: nothing WebRTC negotiates with.
      return std::nullopt;
  }
}

std::optional<SdpError> Parser::parse_origin(std::string_view value) {
  if (seen_origin_) {
    return error("a second o= line");
  }
  const std::vector<std::string_view> tokens = split_spaces(value);
  if (tokens.size() != 6) {
    return error("o= needs 6 fields: username sess-id sess-version nettype addrtype address");
  }
  const std::optional<uint64_t> version = parse_number<uint64_t>(tokens[2]);
  if (!version || !parse_number<uint64_t>(tokens[1])) {
    return error("o= session id and version must be decimal numbers");
  }
  description_.origin =
      Origin{std::string(tokens[0]), std::string(tokens[1]), *version,
             std::string(tokens[3]), std::string(tokens[4]), std::string(tokens[5])};
  seen_origin_ = true;
  return std::nullopt;
}

std::optional<SdpError> Parser::parse_media_line(std::string_view value) {
  if (description_.media.size() >= kMaxMediaSections) {
    return error("more than " + std::to_string(kMaxMediaSections) + " m-sections");
  }
  const std::vector<std::string_view> tokens = split_spaces(value);
  if (tokens.size() < 3) {
    return error("m= needs media, port and protocol");
  }
  MediaSection media;
  media.media = std::string(tokens[0]);
  media.kind = media_kind_from_string(tokens[0]);
  // The port may carry a count (RFC 8866 §5.14, "<port>/<number of ports>"); WebRTC never
  // uses it, and it is dropped.
  const std::optional<uint16_t> port = parse_number<uint16_t>(split(tokens[1], '/')[0]);
  if (!port) {
    return error("m= port is not a number from 0 to 65535");
  }
  media.port = *port;
  media.protocol = std::string(tokens[2]);
  const bool rtp = media.is_rtp();
  for (std::size_t i = 3; i < tokens.size(); ++i) {
    media.formats.emplace_back(tokens[i]);
    if (!rtp) {
      continue;
    }
    const std::optional<uint8_t> payload_type = parse_number<uint8_t>(tokens[i], 127);
    if (!payload_type) {
      return error("m= payload type '" + std::string(tokens[i]) + "' is not 0 to 127");
    }
    if (media.find_codec(*payload_type) != nullptr) {
      return error("m= lists payload type " + std::string(tokens[i]) + " twice");
    }
    Codec codec;
    codec.payload_type = *payload_type;
    apply_static_payload_type(codec);
    media.codecs.push_back(std::move(codec));
  }
  description_.media.push_back(std::move(media));
  return std::nullopt;
}

std::optional<SdpError> Parser::parse_transport_attribute(TransportAttributes& transport,
                                                          std::string_view name,
                                                          std::optional<std::string_view> value,
                                                          bool& handled) {
  handled = true;
  if (name == "ice-ufrag" || name == "ice-pwd") {
    if (!value || !is_token(*value)) {
      return error("a=" + std::string(name) + " needs 1 to 256 visible characters");
    }
    (name == "ice-ufrag" ? transport.ice_ufrag : transport.ice_pwd) = std::string(*value);
    return std::nullopt;
  }
  if (name == "ice-options") {
    if (!value) {
      return missing_value(name);
    }
    for (std::string_view option : split_spaces(*value)) {
      transport.ice_options.emplace_back(option);
    }
    return std::nullopt;
  }
  if (name == "fingerprint") {
    const std::vector<std::string_view> tokens =
        value ? split_spaces(*value) : std::vector<std::string_view>{};
    if (tokens.size() != 2 || !is_token(tokens[0]) || !is_hex_pairs(tokens[1])) {
      return error("a=fingerprint needs '<hash function> <hex pairs separated by colons>'");
    }
    Fingerprint fingerprint{std::string(tokens[0]), std::string(tokens[1])};
    // RFC 8122 §5: the hash function token is case-insensitive; the value is upper-case hex.
    std::transform(fingerprint.algorithm.begin(), fingerprint.algorithm.end(),
                   fingerprint.algorithm.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::transform(fingerprint.value.begin(), fingerprint.value.end(), fingerprint.value.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    transport.fingerprints.push_back(std::move(fingerprint));
    return std::nullopt;
  }
  if (name == "setup") {
    const std::optional<SetupRole> role = value ? setup_role_from_string(*value) : std::nullopt;
    if (!role) {
      return error("a=setup must be actpass, active, passive or holdconn (RFC 4145 §4)");
    }
    transport.setup = *role;
    return std::nullopt;
  }
  handled = false;
  return std::nullopt;
}

std::optional<SdpError> Parser::parse_session_attribute(std::string_view name,
                                                        std::optional<std::string_view> value) {
  bool handled = false;
  if (std::optional<SdpError> failure =
          parse_transport_attribute(description_.transport, name, value, handled)) {
    return failure;
  }
  if (handled) {
    return std::nullopt;
  }
  if (name == "group") {
    return parse_group(value.value_or(""));
  }
  if (name == "ice-lite") {
    description_.ice_lite = true;
  } else if (name == "msid-semantic") {
    description_.msid_semantic = std::string(value.value_or(""));
  } else if (name == "extmap-allow-mixed") {
    description_.extmap_allow_mixed = true;
  } else if (name == "extmap") {
    return parse_extmap(description_.extmaps, value.value_or(""));
  } else {
    description_.other_attributes.push_back(Attribute{
        std::string(name), value ? std::optional<std::string>(std::string(*value)) : std::nullopt});
  }
  return std::nullopt;
}

std::optional<SdpError> Parser::parse_media_attribute(MediaSection& media, std::string_view name,
                                                      std::optional<std::string_view> value) {
  bool handled = false;
  if (std::optional<SdpError> failure =
          parse_transport_attribute(media.transport, name, value, handled)) {
    return failure;
  }
  if (handled) {
    return std::nullopt;
  }
  if (std::optional<Direction> direction = direction_from_string(name)) {
    media.direction = *direction;
    media.direction_present = true;
    return std::nullopt;
  }
  if (name == "mid") {
    if (!value || !is_token(*value)) {
      return error("a=mid needs 1 to 256 visible characters");
    }
    // RFC 5888 §4: a mid identifies one m-section of the session.
    for (const MediaSection& other : description_.media) {
      if (&other != &media && other.mid == *value) {
        return error("mid '" + std::string(*value) + "' is used by two m-sections");
      }
    }
    media.mid = std::string(*value);
    return std::nullopt;
  }
  if (name == "rtpmap") {
    return parse_rtpmap(media, value.value_or(""));
  }
  if (name == "fmtp") {
    return parse_fmtp(media, value.value_or(""));
  }
  if (name == "rtcp-fb") {
    return parse_rtcp_fb(media, value.value_or(""));
  }
  if (name == "extmap") {
    return parse_extmap(media.extmaps, value.value_or(""));
  }
  if (name == "ssrc") {
    return parse_ssrc(media, value.value_or(""));
  }
  if (name == "ssrc-group") {
    return parse_ssrc_group(media, value.value_or(""));
  }
  if (name == "rid") {
    return parse_rid(media, value.value_or(""));
  }
  if (name == "simulcast") {
    return parse_simulcast(media, value.value_or(""));
  }
  if (name == "msid") {
    const std::vector<std::string_view> tokens =
        value ? split_spaces(*value) : std::vector<std::string_view>{};
    if (tokens.empty() || tokens.size() > 2) {
      return error("a=msid needs '<stream id> [<track id>]' (RFC 8830 §2)");
    }
    media.msids.push_back(
        Msid{std::string(tokens[0]), tokens.size() > 1 ? std::string(tokens[1]) : std::string()});
    return std::nullopt;
  }
  if (name == "candidate") {
    if (!value || value->empty()) {
      return missing_value(name);
    }
    media.candidates.emplace_back(*value);
  } else if (name == "end-of-candidates") {
    media.end_of_candidates = true;
  } else if (name == "bundle-only") {
    media.bundle_only = true;
  } else if (name == "rtcp") {
    media.rtcp = std::string(value.value_or(""));
  } else if (name == "rtcp-mux") {
    media.rtcp_mux = true;
  } else if (name == "rtcp-mux-only") {
    media.rtcp_mux_only = true;
  } else if (name == "rtcp-rsize") {
    media.rtcp_rsize = true;
  } else if (name == "extmap-allow-mixed") {
    media.extmap_allow_mixed = true;
  } else {
    media.other_attributes.push_back(Attribute{
        std::string(name), value ? std::optional<std::string>(std::string(*value)) : std::nullopt});
  }
  return std::nullopt;
}

std::optional<SdpError> Parser::parse_group(std::string_view value) {
  const std::vector<std::string_view> tokens = split_spaces(value);
  if (tokens.empty()) {
    return error("a=group needs a semantics (RFC 5888 §5)");
  }
  Group group{std::string(tokens[0]), {}};
  for (std::size_t i = 1; i < tokens.size(); ++i) {
    group.mids.emplace_back(tokens[i]);
  }
  description_.groups.push_back(std::move(group));
  return std::nullopt;
}

std::optional<SdpError> Parser::parse_extmap(std::vector<Extmap>& extmaps, std::string_view value) {
  const std::vector<std::string_view> tokens = split_spaces(value);
  if (tokens.size() < 2) {
    return error("a=extmap needs '<id>[/<direction>] <uri>' (RFC 8285 §8)");
  }
  const std::vector<std::string_view> id_parts = split(tokens[0], '/');
  Extmap extmap;
  // RFC 8285 §5: 1-14 in one-byte headers, up to 255 with two-byte headers.
  const std::optional<uint16_t> id = parse_number<uint16_t>(id_parts[0], 255);
  if (!id || *id == 0 || id_parts.size() > 2) {
    return error("a=extmap id must be 1 to 255");
  }
  extmap.id = *id;
  if (id_parts.size() == 2) {
    extmap.direction = direction_from_string(id_parts[1]);
    if (!extmap.direction) {
      return error("a=extmap direction must be sendrecv, sendonly, recvonly or inactive");
    }
  }
  extmap.uri = std::string(tokens[1]);
  const std::size_t uri_end =
      static_cast<std::size_t>(tokens[1].data() - value.data()) + tokens[1].size();
  extmap.attributes = std::string(trim(value.substr(uri_end)));
  for (const Extmap& other : extmaps) {
    if (other.id == extmap.id) {
      return error("a=extmap id " + std::to_string(extmap.id) + " is used twice");
    }
  }
  extmaps.push_back(std::move(extmap));
  return std::nullopt;
}

std::optional<SdpError> Parser::parse_rtpmap(MediaSection& media, std::string_view value) {
  const std::vector<std::string_view> tokens = split_spaces(value);
  if (tokens.size() != 2) {
    return error("a=rtpmap needs '<pt> <encoding>/<clock rate>[/<channels>]'");
  }
  const std::optional<uint8_t> payload_type = parse_number<uint8_t>(tokens[0], 127);
  const std::vector<std::string_view> parts = split(tokens[1], '/');
  if (!payload_type || parts.size() < 2 || parts.size() > 3 || parts[0].empty()) {
    return error("a=rtpmap needs '<pt> <encoding>/<clock rate>[/<channels>]'");
  }
  const std::optional<uint32_t> clock_rate = parse_number<uint32_t>(parts[1]);
  const std::optional<uint32_t> channels =
      parts.size() == 3 ? parse_number<uint32_t>(parts[2], 255) : std::optional<uint32_t>(0);
  if (!clock_rate || *clock_rate == 0 || !channels) {
    return error("a=rtpmap clock rate or channel count is not a number");
  }
  for (Codec& codec : media.codecs) {
    if (codec.payload_type == *payload_type) {
      codec.name = std::string(parts[0]);
      codec.clock_rate = *clock_rate;
      codec.channels = *channels;
    }
  }
  return std::nullopt;
}

std::optional<SdpError> Parser::parse_fmtp(MediaSection& media, std::string_view value) {
  const std::size_t space = value.find(' ');
  const std::optional<uint8_t> payload_type = parse_number<uint8_t>(value.substr(0, space), 127);
  if (!payload_type) {
    // Non-RTP m-sections may use fmtp with other formats; keep those as they are.
    if (!media.is_rtp()) {
      media.other_attributes.push_back(Attribute{"fmtp", std::string(value)});
      return std::nullopt;
    }
    return error("a=fmtp needs '<pt> <parameters>'");
  }
  const std::string_view parameters =
      space == std::string_view::npos ? std::string_view{} : trim(value.substr(space + 1));
  for (Codec& codec : media.codecs) {
    if (codec.payload_type == *payload_type) {
      codec.fmtp =
          codec.fmtp.empty() ? std::string(parameters) : codec.fmtp + ";" + std::string(parameters);
    }
  }
  return std::nullopt;
}

std::optional<SdpError> Parser::parse_rtcp_fb(MediaSection& media, std::string_view value) {
  const std::vector<std::string_view> tokens = split_spaces(value);
  if (tokens.size() < 2) {
    return error("a=rtcp-fb needs '<pt|*> <type> [<parameter>]' (RFC 4585 §4.2)");
  }
  const bool wildcard = tokens[0] == "*";
  const std::optional<uint8_t> payload_type = parse_number<uint8_t>(tokens[0], 127);
  if (!wildcard && !payload_type) {
    return error("a=rtcp-fb payload type is not 0 to 127 or *");
  }
  RtcpFeedback feedback{std::string(tokens[1]), {}};
  for (std::size_t i = 2; i < tokens.size(); ++i) {
    feedback.parameter += (i > 2 ? " " : "") + std::string(tokens[i]);
  }
  for (Codec& codec : media.codecs) {
    if ((wildcard || codec.payload_type == *payload_type) &&
        std::find(codec.feedback.begin(), codec.feedback.end(), feedback) == codec.feedback.end()) {
      codec.feedback.push_back(feedback);
    }
  }
  return std::nullopt;
}

std::optional<SdpError> Parser::parse_ssrc(MediaSection& media, std::string_view value) {
  const std::size_t space = value.find(' ');
  const std::optional<uint32_t> ssrc = parse_number<uint32_t>(value.substr(0, space));
  if (!ssrc) {
    return error("a=ssrc needs '<ssrc> <attribute>[:<value>]' with a 32-bit ssrc");
  }
  SsrcInfo* info = nullptr;
  for (SsrcInfo& existing : media.ssrcs) {
    if (existing.ssrc == *ssrc) {
      info = &existing;
    }
  }
  if (info == nullptr) {
    info = &media.ssrcs.emplace_back();
    info->ssrc = *ssrc;
  }
  if (space == std::string_view::npos) {
    return std::nullopt;
  }
  const std::string_view attribute = trim(value.substr(space + 1));
  const std::size_t colon = attribute.find(':');
  const std::string_view name = attribute.substr(0, colon);
  const std::string_view attribute_value =
      colon == std::string_view::npos ? std::string_view{} : attribute.substr(colon + 1);
  if (name == "cname") {
    info->cname = std::string(attribute_value);
  } else if (name == "msid") {
    info->msid = std::string(attribute_value);
  } else if (!name.empty()) {
    info->other_attributes.push_back(
        Attribute{std::string(name), colon == std::string_view::npos
                                         ? std::nullopt
                                         : std::optional<std::string>(attribute_value)});
  }
  return std::nullopt;
}

std::optional<SdpError> Parser::parse_ssrc_group(MediaSection& media, std::string_view value) {
  const std::vector<std::string_view> tokens = split_spaces(value);
  if (tokens.size() < 2) {
    return error("a=ssrc-group needs '<semantics> <ssrc>...' (RFC 5576 §4.2)");
  }
  SsrcGroup group{std::string(tokens[0]), {}};
  for (std::size_t i = 1; i < tokens.size(); ++i) {
    const std::optional<uint32_t> ssrc = parse_number<uint32_t>(tokens[i]);
    if (!ssrc) {
      return error("a=ssrc-group ssrc '" + std::string(tokens[i]) + "' is not a 32-bit number");
    }
    group.ssrcs.push_back(*ssrc);
  }
  media.ssrc_groups.push_back(std::move(group));
  return std::nullopt;
}

std::optional<SdpError> Parser::parse_rid(MediaSection& media, std::string_view value) {
  const std::vector<std::string_view> tokens = split_spaces(value);
  if (tokens.size() < 2 || tokens.size() > 3 || !is_rid_id(tokens[0]) ||
      (tokens[1] != "send" && tokens[1] != "recv")) {
    return error("a=rid needs '<id> send|recv [<restrictions>]' (RFC 8851 §10)");
  }
  Rid rid;
  rid.id = std::string(tokens[0]);
  rid.direction = tokens[1] == "send" ? RidDirection::kSend : RidDirection::kRecv;
  if (tokens.size() == 3) {
    for (std::string_view restriction : split(tokens[2], ';')) {
      if (restriction.substr(0, 3) == "pt=") {
        for (std::string_view item : split(restriction.substr(3), ',')) {
          const std::optional<uint8_t> payload_type = parse_number<uint8_t>(item, 127);
          if (!payload_type) {
            return error("a=rid pt= lists '" + std::string(item) + "', not a payload type");
          }
          rid.payload_types.push_back(*payload_type);
        }
      } else if (!restriction.empty()) {
        rid.restrictions += (rid.restrictions.empty() ? "" : ";") + std::string(restriction);
      }
    }
  }
  for (const Rid& other : media.rids) {
    if (other.id == rid.id) {
      return error("a=rid '" + rid.id + "' is declared twice");
    }
  }
  media.rids.push_back(std::move(rid));
  return std::nullopt;
}

std::optional<SdpError> Parser::parse_simulcast(MediaSection& media, std::string_view value) {
  // RFC 8853 §5.1: sc-value = ( sc-send [SP sc-recv] ) / ( sc-recv [SP sc-send] ). Old
  // Firefox wrote "send rid=a;b"; the "rid=" prefix of the draft syntax is accepted.
  const std::vector<std::string_view> tokens = split_spaces(value);
  if (tokens.size() != 2 && tokens.size() != 4) {
    return error("a=simulcast needs 'send <streams>' and/or 'recv <streams>' (RFC 8853 §5.1)");
  }
  Simulcast simulcast;
  bool seen_send = false;
  bool seen_recv = false;
  for (std::size_t i = 0; i < tokens.size(); i += 2) {
    const bool send = tokens[i] == "send";
    if ((!send && tokens[i] != "recv") || (send ? seen_send : seen_recv)) {
      return error("a=simulcast directions are 'send' and 'recv', each at most once");
    }
    (send ? seen_send : seen_recv) = true;
    std::string_view streams_text = tokens[i + 1];
    if (streams_text.substr(0, 4) == "rid=") {
      streams_text.remove_prefix(4);
    }
    auto& streams = send ? simulcast.send : simulcast.recv;
    for (std::string_view stream_text : split(streams_text, ';')) {
      std::vector<SimulcastRid> alternatives;
      for (std::string_view alternative : split(stream_text, ',')) {
        SimulcastRid rid;
        if (!alternative.empty() && alternative.front() == '~') {
          rid.paused = true;
          alternative.remove_prefix(1);
        }
        if (!is_rid_id(alternative)) {
          return error("a=simulcast lists '" + std::string(alternative) + "', not a rid");
        }
        rid.rid = std::string(alternative);
        alternatives.push_back(std::move(rid));
      }
      streams.push_back(std::move(alternatives));
    }
  }
  media.simulcast = std::move(simulcast);
  return std::nullopt;
}

}  // namespace

SdpResult<SessionDescription> parse_sdp(std::string_view text) { return Parser().run(text); }

}  // namespace ringcast::controlplane::sdp
