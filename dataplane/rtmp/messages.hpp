#pragma once

// RTMP message types and the AMF0 commands of a publish/play session (Adobe RTMP spec 1.0,
// sections 5.4, 6 and 7): parsing of what OBS, ffmpeg and players send, and builders of the
// replies they wait for. Builders append a message payload; the session chunk-encodes it.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rtmp/amf0.hpp"

namespace ringcast::rtmp {

// Spec 5.4, 7.1: message type ids.
enum class MessageType : uint8_t {
  kSetChunkSize = 1,
  kAbort = 2,
  kAcknowledgement = 3,
  kUserControl = 4,
  kWindowAckSize = 5,
  kSetPeerBandwidth = 6,
  kAudio = 8,
  kVideo = 9,
  kDataAmf3 = 15,
  kSharedObjectAmf3 = 16,
  kCommandAmf3 = 17,
  kDataAmf0 = 18,
  kSharedObjectAmf0 = 19,
  kCommandAmf0 = 20,
  kAggregate = 22,
};

// Chunk stream ids this server sends on. Commands of the connection on 3, per-stream commands and
// data on 5, audio and video on their own ids so their headers compress independently.
inline constexpr uint32_t kCommandCsid = 3;
inline constexpr uint32_t kStreamCsid = 5;
inline constexpr uint32_t kAudioCsid = 6;
inline constexpr uint32_t kVideoCsid = 7;

enum class CommandKind : uint8_t {
  kUnknown,
  kConnect,
  kReleaseStream,
  kFcPublish,
  kCreateStream,
  kPublish,
  kPlay,
  kDeleteStream,
  kFcUnpublish,
  kCloseStream,
  kGetStreamLength,
  kPause,
  kReceiveAudio,
  kReceiveVideo,
  kResult,
  kError,
  kOnStatus,
  kSetDataFrame,
  kOnMetaData,
};

CommandKind classify_command(std::string_view name);

struct Command {
  std::string name;
  CommandKind kind = CommandKind::kUnknown;
  double transaction_id = 0;
  // Spec 7.2: the command object (an object for connect, null for most stream commands).
  Amf0Value command_object;
  // The optional arguments after the command object.
  std::vector<Amf0Value> args;
};

enum class CommandError : uint8_t { kNone, kEmpty, kBadAmf, kMissingName, kMissingTransactionId };
std::string_view to_string(CommandError error);

// Parses a command message (type 20, or type 17 whose leading format byte 0 announces AMF0 body,
// spec 7.1.1). A missing command object reads as null.
CommandError parse_command(std::span<const uint8_t> payload, Command& out, bool amf3 = false);

struct ConnectParams {
  std::string app;
  std::string tc_url;
  std::string flash_ver;
  std::string swf_url;
  std::string page_url;
  double object_encoding = 0;
  // Enhanced RTMP v1 "fourCcList": codecs the client can handle.
  std::vector<std::string> fourcc_list;
};
// Nullopt when the command object is not an object.
std::optional<ConnectParams> connect_params(const Command& connect);

// First argument as a string: the stream name of releaseStream, FCPublish, FCUnpublish, publish
// and play. Empty when absent.
std::string_view stream_name_arg(const Command& command);

struct PublishParams {
  std::string stream_name;
  std::string publish_type = "live";  // live, record or append
};
std::optional<PublishParams> publish_params(const Command& publish);

struct PlayParams {
  std::string stream_name;
  double start = -2;  // spec 7.2.2.1: -2 live or recorded, -1 live only
  double duration = -1;
  bool reset = true;
};
std::optional<PlayParams> play_params(const Command& play);

// deleteStream's stream id argument.
std::optional<uint32_t> delete_stream_id(const Command& command);

// "key?token=abc" -> name "key", query "token=abc".
struct StreamNameParts {
  std::string_view name;
  std::string_view query;
};
StreamNameParts split_stream_name(std::string_view stream_name);

// NetConnection / NetStream status codes players and encoders act on.
namespace status {
inline constexpr std::string_view kConnectSuccess = "NetConnection.Connect.Success";
inline constexpr std::string_view kConnectRejected = "NetConnection.Connect.Rejected";
inline constexpr std::string_view kPublishStart = "NetStream.Publish.Start";
inline constexpr std::string_view kPublishBadName = "NetStream.Publish.BadName";
inline constexpr std::string_view kUnpublishSuccess = "NetStream.Unpublish.Success";
inline constexpr std::string_view kPlayReset = "NetStream.Play.Reset";
inline constexpr std::string_view kPlayStart = "NetStream.Play.Start";
inline constexpr std::string_view kPlayStop = "NetStream.Play.Stop";
inline constexpr std::string_view kPlayStreamNotFound = "NetStream.Play.StreamNotFound";
inline constexpr std::string_view kPlayUnpublishNotify = "NetStream.Play.UnpublishNotify";
inline constexpr std::string_view kLevelStatus = "status";
inline constexpr std::string_view kLevelError = "error";
}  // namespace status

// --- Server replies (command payloads, message type 20 unless noted) ---

// "_result" for connect: fmsVer/capabilities, then NetConnection.Connect.Success with the
// client's objectEncoding echoed.
void build_connect_result(std::vector<uint8_t>& out, double transaction_id,
                          double object_encoding = 0);
// "_error" for connect with NetConnection.Connect.Rejected.
void build_connect_rejected(std::vector<uint8_t>& out, double transaction_id,
                            std::string_view description);
// "_result" for createStream carrying the new message stream id.
void build_create_stream_result(std::vector<uint8_t>& out, double transaction_id,
                                uint32_t stream_id);
// Plain "_result" (null, undefined) for releaseStream, FCPublish and the like.
void build_result(std::vector<uint8_t>& out, double transaction_id);
// "onStatus" with {level, code, description[, details]}; sent on the message stream it concerns.
void build_on_status(std::vector<uint8_t>& out, std::string_view level, std::string_view code,
                     std::string_view description, std::string_view details = {});
// "onFCPublish" / "onFCUnpublish" {code, description} that FMLE-style encoders wait for.
void build_on_fc_publish(std::vector<uint8_t>& out, std::string_view code,
                         std::string_view description);
void build_on_fc_unpublish(std::vector<uint8_t>& out, std::string_view code,
                           std::string_view description);
// Data message (type 18) "|RtmpSampleAccess" true true: lets Flash players read the samples.
void build_sample_access(std::vector<uint8_t>& out);
// Data message (type 18) "onMetaData" followed by the metadata value.
void build_on_metadata(std::vector<uint8_t>& out, const Amf0Value& metadata);

// A publisher sends "@setDataFrame", "onMetaData", {...}; players expect "onMetaData", {...}.
// Returns the payload without the leading "@setDataFrame" string (a view, no re-encoding), or
// nullopt when the payload does not start with it.
std::optional<std::span<const uint8_t>> strip_set_data_frame(std::span<const uint8_t> payload);

// --- Client commands (push relays publish to a remote server) ---

struct ConnectRequest {
  std::string_view app;
  std::string_view tc_url;
  std::string_view flash_ver = "FMLE/3.0 (compatible; ringcast)";
  // Enhanced RTMP: advertise codecs beyond AVC/AAC; empty sends no fourCcList.
  std::vector<std::string_view> fourcc_list;
};
void build_connect(std::vector<uint8_t>& out, double transaction_id, const ConnectRequest& req);
// releaseStream, FCPublish, FCUnpublish, deleteStream style: name, txn, null, argument.
void build_stream_command(std::vector<uint8_t>& out, std::string_view name, double transaction_id,
                          std::string_view stream_name);
void build_create_stream(std::vector<uint8_t>& out, double transaction_id);
void build_publish(std::vector<uint8_t>& out, double transaction_id, std::string_view stream_name,
                   std::string_view publish_type = "live");
void build_delete_stream(std::vector<uint8_t>& out, double transaction_id, uint32_t stream_id);

}  // namespace ringcast::rtmp
