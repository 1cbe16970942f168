#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "rtc/hmac_sha1.hpp"
#include "rtc/stun_message.hpp"
#include "rtc/transport_address.hpp"

namespace ringcast::rtc {

// ICE state of one transport as the control plane reports it (the names RTCIceTransportState
// uses, RFC 8445 §6.1.3 for a lite agent):
//   kNew          no valid check yet
//   kConnected    at least one remote address passed a check; media may flow to the selected one
//   kCompleted    the controlling side nominated a path (USE-CANDIDATE, §8.2)
//   kDisconnected every path went 30 s without a valid check (consent expired, RFC 7675 §5.1);
//                 a later valid check brings the agent back
enum class IceState : uint8_t { kNew, kConnected, kCompleted, kDisconnected };

const char* ice_state_name(IceState state);

// Why a Binding request got no success response. The names double as drop counter names
// (`stun_drop_<name>`). Only kRoleConflict and kUnknownAttribute are answered (with an error
// response); everything else is dropped silently, because a wrong credential must get no
// response at all (RFC 8445 §7.3, RFC 8489 §9.1.3: do not help an off-path prober).
enum class IceDrop : uint8_t {
  kNone = 0,
  kMalformed,          // not a valid STUN message (see StunError)
  kNotBindingRequest,  // indications, responses, other methods: nothing to answer
  kNoUsername,
  kBadUsername,  // not "localUfrag:remoteUfrag"
  kNoIntegrity,
  kBadIntegrity,   // HMAC with the local password does not match
  kNoFingerprint,  // ICE requires FINGERPRINT on every check (RFC 8445 §7.3)
  kBadFingerprint,
  kRoleConflict,      // peer claims ICE-CONTROLLED too; answered 487 (RFC 8445 §7.3.1.1)
  kUnknownAttribute,  // unknown comprehension-required attribute; answered 420
  kNoRoom,            // the response buffer is too small (a wiring bug, not the peer's fault)
  kCount,
};

inline constexpr size_t kIceDropCount = static_cast<size_t>(IceDrop::kCount);
const char* ice_drop_name(IceDrop drop);

// What to do with a Binding request. `response_size > 0`: send that many bytes of the response
// buffer back to the request's source (a success when `drop == kNone`, else an error response).
struct IceCheckResult {
  IceDrop drop = IceDrop::kNone;
  size_t response_size = 0;
};

// Events flow up to the transport that owns the agent.
class IceLiteListener {
 public:
  virtual ~IceLiteListener() = default;
  virtual void on_ice_state_changed(IceState state) = 0;
  // The address media goes to changed; empty() when there is none any more.
  virtual void on_ice_selected_address_changed(const TransportAddress& address) = 0;
};

// The ICE-lite agent of one transport (RFC 8445 §2.5): it never sends checks, it answers the
// peer's. Each remote address that passes a check becomes a valid path; the path the peer
// nominates (USE-CANDIDATE, only the controlling agent sends it, §8.2 with a lite peer) is the
// selected one, and until a nomination the first valid path is selected so media can start.
// Paths without a valid check for 30 s are dropped (consent freshness, RFC 7675 §5.1: the peer
// sends a consent check every ~5 s, and our answer is its consent; its request is ours).
//
// Pure: no sockets and no clock. Time is passed in; tick() should run about once a second.
// Not thread-safe: one agent belongs to its transport's shard.
class IceLite {
 public:
  static constexpr size_t kMaxPaths = 8;
  static constexpr uint64_t kConsentTimeoutMs = 30'000;
  static constexpr size_t kUfragLength = 16;     // RFC 8839 §5.4: at least 4 ice-chars
  static constexpr size_t kPasswordLength = 32;  // RFC 8839 §5.4: at least 22 ice-chars

  // Local credentials are generated from OpenSSL's CSPRNG. `listener` may be null.
  explicit IceLite(IceLiteListener* listener = nullptr);

  const std::string& local_ufrag() const { return local_ufrag_; }
  const std::string& local_password() const { return local_password_; }
  const std::string& remote_ufrag() const { return remote_ufrag_; }
  IceState state() const { return state_; }

  // From signaling (the peer's a=ice-ufrag / a=ice-pwd). The password is kept for completeness
  // (consent checks of our own, if ever sent); a lite agent does not need it to answer.
  void set_remote_credentials(std::string_view ufrag, std::string_view password);

  // ICE restart (RFC 8445 §9): new local credentials and the peer's new ones. Valid paths are
  // kept so media flows until the peer's checks with the new credentials take over (they refresh
  // the same paths) or consent expires.
  void restart(std::string_view remote_ufrag, std::string_view remote_password);

  // Handles one datagram the demultiplexer classified as STUN (RFC 7983 §7) from `source`.
  // Any response is written to `response` (a few hundred bytes are enough; 512 always are).
  IceCheckResult on_binding_request(std::span<const uint8_t> datagram,
                                    const TransportAddress& source, uint64_t now_ms,
                                    std::span<uint8_t> response);

  // Expires silent paths; may change the selected address and the state.
  void tick(uint64_t now_ms);

  // Media may only go to an address that passed a check and has not expired (RFC 8445 §12,
  // RFC 7675 §5.1). The transport checks this before sending anywhere.
  bool is_validated(const TransportAddress& address) const;
  // The address to send media to; empty() when none.
  const TransportAddress& selected_address() const;
  bool nominated() const { return selected_ >= 0 && paths_[selected_].nominated; }
  size_t path_count() const { return path_count_; }

  // ice-char (RFC 8839 §5.4): ALPHA / DIGIT / "+" / "/". Exposed for tests.
  static std::string random_ice_string(size_t length);

 private:
  struct Path {
    TransportAddress address;
    uint64_t last_check_ms = 0;
    bool nominated = false;
  };

  void generate_local_credentials();
  bool username_matches(std::string_view username) const;
  int find_path(const TransportAddress& address) const;
  int add_path(const TransportAddress& address, uint64_t now_ms);
  void remove_path(int index);
  void select(int index);
  void update_state();
  void set_state(IceState state);

  IceLiteListener* listener_;
  std::string local_ufrag_;
  std::string local_password_;
  std::string remote_ufrag_;
  std::string remote_password_;
  HmacSha1 local_key_;  // keyed with local_password_
  std::array<Path, kMaxPaths> paths_{};
  size_t path_count_ = 0;
  int selected_ = -1;
  // What the listener last heard, so it hears of every change (removal included) exactly once.
  TransportAddress reported_selected_;
  IceState state_ = IceState::kNew;
};

}  // namespace ringcast::rtc
