#include "sdp/sdp_types.hpp"

namespace ringcast::controlplane::sdp {

std::string_view to_string(Direction direction) {
  switch (direction) {
    case Direction::kSendRecv:
      return "sendrecv";
    case Direction::kSendOnly:
      return "sendonly";
    case Direction::kRecvOnly:
      return "recvonly";
    case Direction::kInactive:
      return "inactive";
  }
  return "sendrecv";
}

std::string_view to_string(SetupRole role) {
  switch (role) {
    case SetupRole::kNone:
      return "";
    case SetupRole::kActpass:
      return "actpass";
    case SetupRole::kActive:
      return "active";
    case SetupRole::kPassive:
      return "passive";
    case SetupRole::kHoldconn:
      return "holdconn";
  }
  return "";
}

std::string_view to_string(RidDirection direction) {
  return direction == RidDirection::kSend ? "send" : "recv";
}

std::string_view to_string(MediaKind kind) {
  switch (kind) {
    case MediaKind::kAudio:
      return "audio";
    case MediaKind::kVideo:
      return "video";
    case MediaKind::kApplication:
      return "application";
    case MediaKind::kOther:
      return "other";
  }
  return "other";
}

std::optional<Direction> direction_from_string(std::string_view text) {
  if (text == "sendrecv") {
    return Direction::kSendRecv;
  }
  if (text == "sendonly") {
    return Direction::kSendOnly;
  }
  if (text == "recvonly") {
    return Direction::kRecvOnly;
  }
  if (text == "inactive") {
    return Direction::kInactive;
  }
  return std::nullopt;
}

std::optional<SetupRole> setup_role_from_string(std::string_view text) {
  if (text == "actpass") {
    return SetupRole::kActpass;
  }
  if (text == "active") {
    return SetupRole::kActive;
  }
  if (text == "passive") {
    return SetupRole::kPassive;
  }
  if (text == "holdconn") {
    return SetupRole::kHoldconn;
  }
  return std::nullopt;
}

MediaKind media_kind_from_string(std::string_view text) {
  if (text == "audio") {
    return MediaKind::kAudio;
  }
  if (text == "video") {
    return MediaKind::kVideo;
  }
  if (text == "application") {
    return MediaKind::kApplication;
  }
  return MediaKind::kOther;
}

Direction reverse(Direction direction) {
  switch (direction) {
    case Direction::kSendOnly:
      return Direction::kRecvOnly;
    case Direction::kRecvOnly:
      return Direction::kSendOnly;
    default:
      return direction;
  }
}

bool sends(Direction direction) {
  return direction == Direction::kSendRecv || direction == Direction::kSendOnly;
}

bool receives(Direction direction) {
  return direction == Direction::kSendRecv || direction == Direction::kRecvOnly;
}

}  // namespace ringcast::controlplane::sdp
