#pragma once

#include <optional>
#include <string_view>

namespace ringcast::controlplane::sdp {

// RFC 8866 §6.7: the media direction attributes; sendrecv when none is given.
enum class Direction { kSendRecv, kSendOnly, kRecvOnly, kInactive };

// RFC 8842 §5 (a=setup, RFC 4145): which side starts the DTLS handshake.
enum class SetupRole { kNone, kActpass, kActive, kPassive, kHoldconn };

// RFC 8851 §4: the direction of a restriction identifier (a=rid:<id> send|recv).
enum class RidDirection { kSend, kRecv };

enum class MediaKind { kAudio, kVideo, kApplication, kOther };

std::string_view to_string(Direction direction);
std::string_view to_string(SetupRole role);
std::string_view to_string(RidDirection direction);
std::string_view to_string(MediaKind kind);

std::optional<Direction> direction_from_string(std::string_view text);
std::optional<SetupRole> setup_role_from_string(std::string_view text);
MediaKind media_kind_from_string(std::string_view text);

// The direction seen from the other side: what an answerer mirrors (RFC 3264 §6.1).
Direction reverse(Direction direction);
bool sends(Direction direction);
bool receives(Direction direction);

}  // namespace ringcast::controlplane::sdp
