#pragma once

// RTMP handshake (Adobe RTMP spec 1.0, section 5.2), server and client side, as pure state
// machines over byte spans.
//
// The server also speaks the undocumented digest ("complex") handshake of Flash Player, FMLE and
// ffmpeg: the client hides an HMAC-SHA256 digest in C1 at an offset derived from C1's own bytes
// (two known layouts: offset bytes at 8 or at 772). When one of them verifies, the server answers
// with an S1 carrying its own digest and an S2 signed with a key derived from the client digest;
// players that validate the server (ffmpeg when playing) require that. Otherwise the plain echo
// handshake of the spec is used.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace ringcast::rtmp {

inline constexpr size_t kHandshakeSize = 1536;
// Spec 5.2.2: version 3; 6 and above are RTMPE, which this server does not implement.
inline constexpr uint8_t kRtmpVersion = 3;

enum class HandshakeStatus : uint8_t { kNeedMore, kDone, kError };
enum class HandshakeError : uint8_t { kNone, kBadVersion, kCrypto };
std::string_view to_string(HandshakeError error);

// Digest helpers, exposed for tests and for the client side.
struct HandshakeKeys {
  // "Genuine Adobe Flash Player 001" + 32 constant bytes; the first 30 sign C1.
  static std::span<const uint8_t> client_full();
  static std::span<const uint8_t> client_partial();
  // "Genuine Adobe Flash Media Server 001" + 32 constant bytes; the first 36 sign S1.
  static std::span<const uint8_t> server_full();
  static std::span<const uint8_t> server_partial();
};
// Offset of the 32-byte digest in a 1536-byte C1/S1 for the layout whose 4 offset bytes start at
// `base` (8 or 772).
size_t handshake_digest_offset(std::span<const uint8_t> packet, size_t base);
// HMAC-SHA256 of `packet` without the 32 bytes at `digest_offset`.
bool handshake_digest(std::span<const uint8_t> packet, size_t digest_offset,
                      std::span<const uint8_t> key, uint8_t out[32]);
// Offset of a valid digest in `packet` signed with `key`, trying both layouts.
std::optional<size_t> find_handshake_digest(std::span<const uint8_t> packet,
                                            std::span<const uint8_t> key);

class ServerHandshake {
 public:
  // `uptime_ms` goes into S1's time field (spec 5.2.3).
  explicit ServerHandshake(uint32_t uptime_ms = 0);

  // Consumes handshake bytes from the front of `input` and appends S0+S1+S2 to `out` once C0+C1
  // are in. kDone after C2: whatever is left in `input` is the start of the chunk stream.
  HandshakeStatus feed(std::span<const uint8_t>& input, std::vector<uint8_t>& out);

  HandshakeError error() const { return error_; }
  // True when the client's C1 carried a valid digest and S1/S2 were signed.
  bool digest() const { return digest_; }

 private:
  enum class Stage : uint8_t { kC0C1, kC2, kDone, kFailed };
  void answer(std::vector<uint8_t>& out);

  Stage stage_ = Stage::kC0C1;
  HandshakeError error_ = HandshakeError::kNone;
  bool digest_ = false;
  uint32_t uptime_ms_;
  size_t fill_ = 0;
  std::vector<uint8_t> buffer_;
};

// The publishing side of a push relay: plain C0+C1, checks S0's version, echoes S1 as C2.
class ClientHandshake {
 public:
  explicit ClientHandshake(uint32_t uptime_ms = 0);

  // Appends C0+C1 to `out`; call once before feed().
  void start(std::vector<uint8_t>& out);
  // Consumes S0+S1+S2; appends C2 once S1 is in. kDone after S2: the rest of `input` is the
  // server's chunk stream.
  HandshakeStatus feed(std::span<const uint8_t>& input, std::vector<uint8_t>& out);

  HandshakeError error() const { return error_; }

 private:
  enum class Stage : uint8_t { kS0S1, kS2, kDone, kFailed };

  Stage stage_ = Stage::kS0S1;
  HandshakeError error_ = HandshakeError::kNone;
  uint32_t uptime_ms_;
  size_t fill_ = 0;
  std::vector<uint8_t> buffer_;
};

}  // namespace ringcast::rtmp
