#include "sdp/sdp_writer.hpp"

#include <string>

namespace ringcast::controlplane::sdp {
namespace {

class Writer {
 public:
  void line(char type, std::string_view value) {
    out_ += type;
    out_ += '=';
    out_ += value;
    out_ += "\r\n";
  }
  void attribute(std::string_view name) {
    out_ += "a=";
    out_ += name;
    out_ += "\r\n";
  }
  void attribute(std::string_view name, std::string_view value) {
    out_ += "a=";
    out_ += name;
    out_ += ':';
    out_ += value;
    out_ += "\r\n";
  }
  void attribute(const Attribute& attribute_value) {
    if (attribute_value.value) {
      attribute(attribute_value.name, *attribute_value.value);
    } else {
      attribute(attribute_value.name);
    }
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

void write_transport(Writer& writer, const TransportAttributes& transport) {
  if (!transport.ice_ufrag.empty()) {
    writer.attribute("ice-ufrag", transport.ice_ufrag);
  }
  if (!transport.ice_pwd.empty()) {
    writer.attribute("ice-pwd", transport.ice_pwd);
  }
  if (!transport.ice_options.empty()) {
    std::string options;
    for (const std::string& option : transport.ice_options) {
      options += (options.empty() ? "" : " ") + option;
    }
    writer.attribute("ice-options", options);
  }
  for (const Fingerprint& fingerprint : transport.fingerprints) {
    writer.attribute("fingerprint", fingerprint.algorithm + " " + fingerprint.value);
  }
  if (transport.setup != SetupRole::kNone) {
    writer.attribute("setup", to_string(transport.setup));
  }
}

void write_extmap(Writer& writer, const Extmap& extmap) {
  std::string value = std::to_string(extmap.id);
  if (extmap.direction) {
    value += "/" + std::string(to_string(*extmap.direction));
  }
  value += " " + extmap.uri;
  if (!extmap.attributes.empty()) {
    value += " " + extmap.attributes;
  }
  writer.attribute("extmap", value);
}

std::string simulcast_streams(const std::vector<std::vector<SimulcastRid>>& streams) {
  std::string text;
  for (std::size_t i = 0; i < streams.size(); ++i) {
    if (i > 0) {
      text += ';';
    }
    for (std::size_t j = 0; j < streams[i].size(); ++j) {
      if (j > 0) {
        text += ',';
      }
      text += (streams[i][j].paused ? "~" : "") + streams[i][j].rid;
    }
  }
  return text;
}

void write_media(Writer& writer, const MediaSection& media) {
  std::string m_line = media.media + " " + std::to_string(media.port) + " " + media.protocol;
  for (const std::string& format : media.formats) {
    m_line += " " + format;
  }
  writer.line('m', m_line);
  if (!media.connection.empty()) {
    writer.line('c', media.connection);
  }
  if (!media.rtcp.empty()) {
    writer.attribute("rtcp", media.rtcp);
  }
  write_transport(writer, media.transport);
  for (const std::string& candidate : media.candidates) {
    writer.attribute("candidate", candidate);
  }
  if (media.end_of_candidates) {
    writer.attribute("end-of-candidates");
  }
  if (!media.mid.empty()) {
    writer.attribute("mid", media.mid);
  }
  if (media.bundle_only) {
    writer.attribute("bundle-only");
  }
  if (media.extmap_allow_mixed) {
    writer.attribute("extmap-allow-mixed");
  }
  for (const Extmap& extmap : media.extmaps) {
    write_extmap(writer, extmap);
  }
  if (media.direction_present) {
    writer.attribute(to_string(media.direction));
  }
  for (const Msid& msid : media.msids) {
    writer.attribute("msid",
                     msid.track_id.empty() ? msid.stream_id : msid.stream_id + " " + msid.track_id);
  }
  if (media.rtcp_mux) {
    writer.attribute("rtcp-mux");
  }
  if (media.rtcp_mux_only) {
    writer.attribute("rtcp-mux-only");
  }
  if (media.rtcp_rsize) {
    writer.attribute("rtcp-rsize");
  }
  for (const Codec& codec : media.codecs) {
    const std::string payload_type = std::to_string(codec.payload_type);
    if (!codec.name.empty()) {
      std::string rtpmap = payload_type + " " + codec.name + "/" + std::to_string(codec.clock_rate);
      if (codec.channels != 0) {
        rtpmap += "/" + std::to_string(codec.channels);
      }
      writer.attribute("rtpmap", rtpmap);
    }
    for (const RtcpFeedback& feedback : codec.feedback) {
      writer.attribute("rtcp-fb", payload_type + " " + feedback.type +
                                      (feedback.parameter.empty() ? "" : " " + feedback.parameter));
    }
    if (!codec.fmtp.empty()) {
      writer.attribute("fmtp", payload_type + " " + codec.fmtp);
    }
  }
  for (const Rid& rid : media.rids) {
    std::string value = rid.id + " " + std::string(to_string(rid.direction));
    std::string restrictions;
    if (!rid.payload_types.empty()) {
      restrictions = "pt=";
      for (std::size_t i = 0; i < rid.payload_types.size(); ++i) {
        restrictions += (i > 0 ? "," : "") + std::to_string(rid.payload_types[i]);
      }
    }
    if (!rid.restrictions.empty()) {
      restrictions += (restrictions.empty() ? "" : ";") + rid.restrictions;
    }
    if (!restrictions.empty()) {
      value += " " + restrictions;
    }
    writer.attribute("rid", value);
  }
  if (media.simulcast) {
    std::string value;
    if (!media.simulcast->send.empty()) {
      value = "send " + simulcast_streams(media.simulcast->send);
    }
    if (!media.simulcast->recv.empty()) {
      value += (value.empty() ? "recv " : " recv ") + simulcast_streams(media.simulcast->recv);
    }
    writer.attribute("simulcast", value);
  }
  for (const SsrcGroup& group : media.ssrc_groups) {
    std::string value = group.semantics;
    for (uint32_t ssrc : group.ssrcs) {
      value += " " + std::to_string(ssrc);
    }
    writer.attribute("ssrc-group", value);
  }
  for (const SsrcInfo& ssrc : media.ssrcs) {
    const std::string prefix = std::to_string(ssrc.ssrc);
    if (!ssrc.cname.empty()) {
      writer.attribute("ssrc", prefix + " cname:" + ssrc.cname);
    }
    if (!ssrc.msid.empty()) {
      writer.attribute("ssrc", prefix + " msid:" + ssrc.msid);
    }
    for (const Attribute& attribute : ssrc.other_attributes) {
      writer.attribute("ssrc", prefix + " " + attribute.name +
                                   (attribute.value ? ":" + *attribute.value : std::string()));
    }
    if (ssrc.cname.empty() && ssrc.msid.empty() && ssrc.other_attributes.empty()) {
      writer.attribute("ssrc", prefix);
    }
  }
  for (const Attribute& attribute : media.other_attributes) {
    writer.attribute(attribute);
  }
}

}  // namespace

std::string write_sdp(const SessionDescription& description) {
  Writer writer;
  writer.line('v', "0");
  const Origin& origin = description.origin;
  writer.line('o', origin.username + " " + origin.session_id + " " +
                       std::to_string(origin.session_version) + " " + origin.net_type + " " +
                       origin.address_type + " " + origin.address);
  writer.line('s', description.session_name.empty() ? "-" : description.session_name);
  if (!description.connection.empty()) {
    writer.line('c', description.connection);
  }
  writer.line('t', description.timing.empty() ? "0 0" : description.timing);
  if (description.ice_lite) {
    writer.attribute("ice-lite");
  }
  for (const Group& group : description.groups) {
    std::string value = group.semantics;
    for (const std::string& mid : group.mids) {
      value += " " + mid;
    }
    writer.attribute("group", value);
  }
  if (description.extmap_allow_mixed) {
    writer.attribute("extmap-allow-mixed");
  }
  if (!description.msid_semantic.empty()) {
    writer.attribute("msid-semantic", description.msid_semantic);
  }
  write_transport(writer, description.transport);
  for (const Extmap& extmap : description.extmaps) {
    write_extmap(writer, extmap);
  }
  for (const Attribute& attribute : description.other_attributes) {
    writer.attribute(attribute);
  }
  for (const MediaSection& media : description.media) {
    write_media(writer, media);
  }
  return writer.take();
}

}  // namespace ringcast::controlplane::sdp
