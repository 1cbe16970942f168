#include "rtmp/messages.hpp"

#include <array>
#include <utility>

namespace ringcast::rtmp {

namespace {

constexpr std::array<std::pair<std::string_view, CommandKind>, 18> kCommandNames = {{
    {"connect", CommandKind::kConnect},
    {"releaseStream", CommandKind::kReleaseStream},
    {"FCPublish", CommandKind::kFcPublish},
    {"createStream", CommandKind::kCreateStream},
    {"publish", CommandKind::kPublish},
    {"play", CommandKind::kPlay},
    {"deleteStream", CommandKind::kDeleteStream},
    {"FCUnpublish", CommandKind::kFcUnpublish},
    {"closeStream", CommandKind::kCloseStream},
    {"getStreamLength", CommandKind::kGetStreamLength},
    {"pause", CommandKind::kPause},
    {"receiveAudio", CommandKind::kReceiveAudio},
    {"receiveVideo", CommandKind::kReceiveVideo},
    {"_result", CommandKind::kResult},
    {"_error", CommandKind::kError},
    {"onStatus", CommandKind::kOnStatus},
    {"@setDataFrame", CommandKind::kSetDataFrame},
    {"onMetaData", CommandKind::kOnMetaData},
}};

std::string string_of(const Amf0Value* v) {
  return v != nullptr ? std::string(v->as_string()) : std::string();
}

void begin_command(Amf0Writer& w, std::string_view name, double transaction_id) {
  w.string(name).number(transaction_id);
}

void build_code_object(std::vector<uint8_t>& out, std::string_view command, std::string_view code,
                       std::string_view description) {
  Amf0Writer w(out);
  begin_command(w, command, 0);
  w.null().object_begin();
  w.key("level").string(status::kLevelStatus);
  w.key("code").string(code);
  w.key("description").string(description);
  w.object_end();
}

}  // namespace

CommandKind classify_command(std::string_view name) {
  for (const auto& [n, kind] : kCommandNames) {
    if (n == name) {
      return kind;
    }
  }
  return CommandKind::kUnknown;
}

std::string_view to_string(CommandError error) {
  switch (error) {
    case CommandError::kNone:
      return "none";
    case CommandError::kEmpty:
      return "empty command message";
    case CommandError::kBadAmf:
      return "malformed AMF0 in command message";
    case CommandError::kMissingName:
      return "command name is not a string";
    case CommandError::kMissingTransactionId:
      return "transaction id is not a number";
  }
  return "unknown";
}

CommandError parse_command(std::span<const uint8_t> payload, Command& out, bool amf3) {
  // Spec 7.1.1: an AMF3 command message starts with a format byte; 0 means the body is AMF0,
  // which is what every client we know sends.
  if (amf3 && !payload.empty() && payload[0] == 0) {
    payload = payload.subspan(1);
  }
  if (payload.empty()) {
    return CommandError::kEmpty;
  }
  Amf0Decoder decoder(payload);
  Amf0Value name;
  if (decoder.read(name) != Amf0Error::kNone) {
    return CommandError::kBadAmf;
  }
  if (!name.is_string()) {
    return CommandError::kMissingName;
  }
  out.name = std::string(name.as_string());
  out.kind = classify_command(out.name);
  out.transaction_id = 0;
  out.command_object = Amf0Value::null();
  out.args.clear();
  if (decoder.at_end()) {
    return CommandError::kNone;
  }
  Amf0Value txn;
  if (decoder.read(txn) != Amf0Error::kNone) {
    return CommandError::kBadAmf;
  }
  if (!txn.is_number()) {
    return CommandError::kMissingTransactionId;
  }
  out.transaction_id = txn.as_number();
  if (decoder.at_end()) {
    return CommandError::kNone;
  }
  if (decoder.read(out.command_object) != Amf0Error::kNone) {
    return CommandError::kBadAmf;
  }
  while (!decoder.at_end()) {
    Amf0Value arg;
    if (decoder.read(arg) != Amf0Error::kNone) {
      return CommandError::kBadAmf;
    }
    out.args.push_back(std::move(arg));
  }
  return CommandError::kNone;
}

std::optional<ConnectParams> connect_params(const Command& connect) {
  const Amf0Value& obj = connect.command_object;
  if (!obj.has_properties()) {
    return std::nullopt;
  }
  ConnectParams p;
  p.app = string_of(obj.find("app"));
  p.tc_url = string_of(obj.find("tcUrl"));
  p.flash_ver = string_of(obj.find("flashVer"));
  p.swf_url = string_of(obj.find("swfUrl"));
  p.page_url = string_of(obj.find("pageUrl"));
  if (const Amf0Value* enc = obj.find("objectEncoding")) {
    p.object_encoding = enc->as_number();
  }
  // Enhanced RTMP v1: fourCcList is a strict array of FourCC strings ("*" means any).
  if (const Amf0Value* list = obj.find("fourCcList")) {
    for (const auto& item : list->items()) {
      if (item.is_string()) {
        p.fourcc_list.emplace_back(item.as_string());
      }
    }
  }
  return p;
}

std::string_view stream_name_arg(const Command& command) {
  if (command.args.empty()) {
    return {};
  }
  return command.args[0].as_string();
}

std::optional<PublishParams> publish_params(const Command& publish) {
  // Spec 7.2.2.6: publish(null, publishingName, publishingType).
  if (publish.args.empty() || !publish.args[0].is_string()) {
    return std::nullopt;
  }
  PublishParams p;
  p.stream_name = std::string(publish.args[0].as_string());
  if (publish.args.size() > 1 && publish.args[1].is_string()) {
    p.publish_type = std::string(publish.args[1].as_string());
  }
  return p;
}

std::optional<PlayParams> play_params(const Command& play) {
  // Spec 7.2.2.1: play(null, streamName, start, duration, reset).
  if (play.args.empty() || !play.args[0].is_string()) {
    return std::nullopt;
  }
  PlayParams p;
  p.stream_name = std::string(play.args[0].as_string());
  if (play.args.size() > 1) {
    p.start = play.args[1].as_number(-2);
  }
  if (play.args.size() > 2) {
    p.duration = play.args[2].as_number(-1);
  }
  if (play.args.size() > 3) {
    p.reset = play.args[3].as_boolean(true);
  }
  return p;
}

std::optional<uint32_t> delete_stream_id(const Command& command) {
  if (command.args.empty() || !command.args[0].is_number()) {
    return std::nullopt;
  }
  const double id = command.args[0].as_number();
  if (!(id >= 0 && id <= 4294967295.0)) {
    return std::nullopt;
  }
  return static_cast<uint32_t>(id);
}

StreamNameParts split_stream_name(std::string_view stream_name) {
  const size_t q = stream_name.find('?');
  if (q == std::string_view::npos) {
    return {stream_name, {}};
  }
  return {stream_name.substr(0, q), stream_name.substr(q + 1)};
}

void build_connect_result(std::vector<uint8_t>& out, double transaction_id,
                          double object_encoding) {
  Amf0Writer w(out);
  begin_command(w, "_result", transaction_id);
  // Players and encoders check only that these exist; the values are the ones FMS 3 sent and
  // every RTMP server has copied since.
  w.object_begin();
  w.key("fmsVer").string("FMS/3,0,1,123");
  w.key("capabilities").number(31);
  w.key("mode").number(1);
  w.object_end();
  w.object_begin();
  w.key("level").string(status::kLevelStatus);
  w.key("code").string(status::kConnectSuccess);
  w.key("description").string("Connection succeeded.");
  w.key("objectEncoding").number(object_encoding);
  w.object_end();
}

void build_connect_rejected(std::vector<uint8_t>& out, double transaction_id,
                            std::string_view description) {
  Amf0Writer w(out);
  begin_command(w, "_error", transaction_id);
  w.null().object_begin();
  w.key("level").string(status::kLevelError);
  w.key("code").string(status::kConnectRejected);
  w.key("description").string(description);
  w.object_end();
}

void build_create_stream_result(std::vector<uint8_t>& out, double transaction_id,
                                uint32_t stream_id) {
  Amf0Writer w(out);
  begin_command(w, "_result", transaction_id);
  w.null().number(stream_id);
}

void build_result(std::vector<uint8_t>& out, double transaction_id) {
  Amf0Writer w(out);
  begin_command(w, "_result", transaction_id);
  w.null().undefined();
}

void build_on_status(std::vector<uint8_t>& out, std::string_view level, std::string_view code,
                     std::string_view description, std::string_view details) {
  Amf0Writer w(out);
  // Spec 7.2.2: onStatus has transaction id 0 and a null command object.
  begin_command(w, "onStatus", 0);
  w.null().object_begin();
  w.key("level").string(level);
  w.key("code").string(code);
  w.key("description").string(description);
  if (!details.empty()) {
    w.key("details").string(details);
  }
  w.object_end();
}

void build_on_fc_publish(std::vector<uint8_t>& out, std::string_view code,
                         std::string_view description) {
  build_code_object(out, "onFCPublish", code, description);
}

void build_on_fc_unpublish(std::vector<uint8_t>& out, std::string_view code,
                           std::string_view description) {
  build_code_object(out, "onFCUnpublish", code, description);
}

void build_sample_access(std::vector<uint8_t>& out) {
  Amf0Writer(out).string("|RtmpSampleAccess").boolean(true).boolean(true);
}

void build_on_metadata(std::vector<uint8_t>& out, const Amf0Value& metadata) {
  Amf0Writer(out).string("onMetaData").value(metadata);
}

std::optional<std::span<const uint8_t>> strip_set_data_frame(std::span<const uint8_t> payload) {
  Amf0Decoder decoder(payload);
  std::string first;
  if (decoder.read_string(first) != Amf0Error::kNone || first != "@setDataFrame") {
    return std::nullopt;
  }
  return decoder.remaining();
}

void build_connect(std::vector<uint8_t>& out, double transaction_id, const ConnectRequest& req) {
  Amf0Writer w(out);
  begin_command(w, "connect", transaction_id);
  w.object_begin();
  w.key("app").string(req.app);
  w.key("type").string("nonprivate");
  w.key("flashVer").string(req.flash_ver);
  w.key("tcUrl").string(req.tc_url);
  if (!req.fourcc_list.empty()) {
    Amf0Array list;
    for (auto fourcc : req.fourcc_list) {
      list.push_back(Amf0Value::string(std::string(fourcc)));
    }
    w.key("fourCcList").value(Amf0Value::strict_array(std::move(list)));
  }
  w.object_end();
}

void build_stream_command(std::vector<uint8_t>& out, std::string_view name, double transaction_id,
                          std::string_view stream_name) {
  Amf0Writer w(out);
  begin_command(w, name, transaction_id);
  w.null().string(stream_name);
}

void build_create_stream(std::vector<uint8_t>& out, double transaction_id) {
  Amf0Writer w(out);
  begin_command(w, "createStream", transaction_id);
  w.null();
}

void build_publish(std::vector<uint8_t>& out, double transaction_id, std::string_view stream_name,
                   std::string_view publish_type) {
  Amf0Writer w(out);
  begin_command(w, "publish", transaction_id);
  w.null().string(stream_name).string(publish_type);
}

void build_delete_stream(std::vector<uint8_t>& out, double transaction_id, uint32_t stream_id) {
  Amf0Writer w(out);
  begin_command(w, "deleteStream", transaction_id);
  w.null().number(stream_id);
}

}  // namespace ringcast::rtmp
