#include "rtc/ice_lite.hpp"

#include <openssl/rand.h>

#include <stdexcept>

namespace ringcast::rtc {

const char* ice_state_name(IceState state) {
  switch (state) {
    case IceState::kNew:
      return "new";
    case IceState::kConnected:
      return "connected";
    case IceState::kCompleted:
      return "completed";
    case IceState::kDisconnected:
      return "disconnected";
  }
  return "unknown";
}

const char* ice_drop_name(IceDrop drop) {
  switch (drop) {
    case IceDrop::kNone:
      return "none";
    case IceDrop::kMalformed:
      return "malformed";
    case IceDrop::kNotBindingRequest:
      return "not_binding_request";
    case IceDrop::kNoUsername:
      return "no_username";
    case IceDrop::kBadUsername:
      return "bad_username";
    case IceDrop::kNoIntegrity:
      return "no_integrity";
    case IceDrop::kBadIntegrity:
      return "bad_integrity";
    case IceDrop::kNoFingerprint:
      return "no_fingerprint";
    case IceDrop::kBadFingerprint:
      return "bad_fingerprint";
    case IceDrop::kRoleConflict:
      return "role_conflict";
    case IceDrop::kUnknownAttribute:
      return "unknown_attribute";
    case IceDrop::kNoRoom:
      return "no_room";
    case IceDrop::kCount:
      break;
  }
  return "unknown";
}

std::string IceLite::random_ice_string(size_t length) {
  static constexpr char kIceChars[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  static_assert(sizeof(kIceChars) - 1 == 64, "64 ice-chars: a 6-bit index has no bias");
  std::string out(length, '\0');
  unsigned char random[256];
  if (length > sizeof(random) || RAND_bytes(random, static_cast<int>(length)) != 1) {
    throw std::runtime_error("ICE credentials: RAND_bytes failed");
  }
  for (size_t i = 0; i < length; ++i) {
    out[i] = kIceChars[random[i] & 63];
  }
  return out;
}

IceLite::IceLite(IceLiteListener* listener) : listener_(listener) { generate_local_credentials(); }

void IceLite::generate_local_credentials() {
  local_ufrag_ = random_ice_string(kUfragLength);
  local_password_ = random_ice_string(kPasswordLength);
  if (!local_key_.set_key(local_password_)) {
    throw std::runtime_error("ICE credentials: HMAC-SHA1 context could not be created");
  }
}

void IceLite::set_remote_credentials(std::string_view ufrag, std::string_view password) {
  remote_ufrag_ = ufrag;
  remote_password_ = password;
}

void IceLite::restart(std::string_view remote_ufrag, std::string_view remote_password) {
  generate_local_credentials();
  set_remote_credentials(remote_ufrag, remote_password);
}

bool IceLite::username_matches(std::string_view username) const {
  // RFC 8445 §7.2.2: the sender puts "receiverUfrag:senderUfrag", so ours comes first.
  if (username.size() <= local_ufrag_.size() ||
      username.substr(0, local_ufrag_.size()) != local_ufrag_ ||
      username[local_ufrag_.size()] != ':') {
    return false;
  }
  // Until signaling has delivered the peer's ufrag (when we offered, the browser may start
  // checking before its answer reaches us) only our half is checked. That loses nothing: the
  // ufrag is an identifier, MESSAGE-INTEGRITY with our password is what authenticates.
  if (remote_ufrag_.empty()) {
    return true;
  }
  return username.substr(local_ufrag_.size() + 1) == remote_ufrag_;
}

IceCheckResult IceLite::on_binding_request(std::span<const uint8_t> datagram,
                                           const TransportAddress& source, uint64_t now_ms,
                                           std::span<uint8_t> response) {
  StunMessage message;
  if (message.parse(datagram) != StunError::kNone) {
    return {IceDrop::kMalformed, 0};
  }
  if (message.type() != kStunBindingRequest) {
    return {IceDrop::kNotBindingRequest, 0};
  }
  // The CRC first: it is cheap and filters STUN that is not ICE before any HMAC runs.
  switch (message.check_fingerprint()) {
    case StunCheck::kOk:
      break;
    case StunCheck::kMissing:
      return {IceDrop::kNoFingerprint, 0};
    case StunCheck::kMismatch:
      return {IceDrop::kBadFingerprint, 0};
  }
  if (!message.has_username()) {
    return {IceDrop::kNoUsername, 0};
  }
  if (!username_matches(message.username())) {
    return {IceDrop::kBadUsername, 0};
  }
  switch (message.check_integrity(local_key_)) {
    case StunCheck::kOk:
      break;
    case StunCheck::kMissing:
      return {IceDrop::kNoIntegrity, 0};
    case StunCheck::kMismatch:
      return {IceDrop::kBadIntegrity, 0};
  }

  // Authenticated from here on, so error responses carry MESSAGE-INTEGRITY (RFC 8489 §9.1.3).
  if (const uint16_t unknown = message.unknown_required_attribute(); unknown != 0) {
    // RFC 8489 §6.3.1.1: 420 listing the attribute in UNKNOWN-ATTRIBUTES.
    StunWriter writer(response, kStunBindingError, message.transaction_id());
    writer.add_error_code(420, stun_reason_phrase(420));
    const uint8_t type_bytes[2] = {static_cast<uint8_t>(unknown >> 8),
                                   static_cast<uint8_t>(unknown)};
    writer.add(kStunAttrUnknownAttributes, type_bytes);
    writer.add_message_integrity(local_key_);
    writer.add_fingerprint();
    return {IceDrop::kUnknownAttribute, writer.size()};
  }
  if (message.ice_controlled().has_value()) {
    // The peer believes it is controlled too. A lite agent is always controlled when the peer
    // is full (RFC 8445 §6.1.1) and never switches role, so it answers 487 as §7.3.1.1 says for
    // an agent whose tie-breaker wins; the full peer then switches to controlling.
    const size_t size = build_binding_error(response, message.transaction_id(), 487, &local_key_);
    return {IceDrop::kRoleConflict, size};
  }

  const size_t size = build_binding_success(response, message.transaction_id(), source, local_key_);
  if (size == 0) {
    return {IceDrop::kNoRoom, 0};
  }

  int index = find_path(source);
  if (index < 0) {
    index = add_path(source, now_ms);
  }
  paths_[index].last_check_ms = now_ms;
  if (message.use_candidate()) {
    // The latest nomination wins: browsers renominate when the network changes.
    for (size_t i = 0; i < path_count_; ++i) {
      paths_[i].nominated = false;
    }
    paths_[index].nominated = true;
    select(index);
  } else if (selected_ < 0) {
    select(index);
  }
  update_state();
  return {IceDrop::kNone, size};
}

void IceLite::tick(uint64_t now_ms) {
  bool lost_selected = false;
  for (int i = static_cast<int>(path_count_) - 1; i >= 0; --i) {
    if (now_ms >= paths_[i].last_check_ms &&
        now_ms - paths_[i].last_check_ms >= kConsentTimeoutMs) {
      lost_selected = lost_selected || i == selected_;
      remove_path(i);
    }
  }
  if (lost_selected) {
    // Fall back to the most recently checked path, if any is left.
    int best = -1;
    for (size_t i = 0; i < path_count_; ++i) {
      if (best < 0 || paths_[i].last_check_ms > paths_[best].last_check_ms) {
        best = static_cast<int>(i);
      }
    }
    select(best);
  }
  update_state();
}

bool IceLite::is_validated(const TransportAddress& address) const {
  return find_path(address) >= 0;
}

const TransportAddress& IceLite::selected_address() const {
  static const TransportAddress kNone{};
  return selected_ >= 0 ? paths_[selected_].address : kNone;
}

int IceLite::find_path(const TransportAddress& address) const {
  for (size_t i = 0; i < path_count_; ++i) {
    if (paths_[i].address == address) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

int IceLite::add_path(const TransportAddress& address, uint64_t now_ms) {
  if (path_count_ == kMaxPaths) {
    // Evict the least recently checked path that media is not using.
    int victim = -1;
    for (size_t i = 0; i < path_count_; ++i) {
      if (static_cast<int>(i) != selected_ &&
          (victim < 0 || paths_[i].last_check_ms < paths_[victim].last_check_ms)) {
        victim = static_cast<int>(i);
      }
    }
    remove_path(victim);
  }
  paths_[path_count_] = Path{address, now_ms, false};
  return static_cast<int>(path_count_++);
}

void IceLite::remove_path(int index) {
  const int last = static_cast<int>(path_count_) - 1;
  if (selected_ == index) {
    selected_ = -1;
  }
  if (index != last) {
    paths_[index] = paths_[last];
    if (selected_ == last) {
      selected_ = index;
    }
  }
  paths_[last] = Path{};
  --path_count_;
}

void IceLite::select(int index) {
  selected_ = index;
  const TransportAddress& now_selected = selected_address();
  if (now_selected == reported_selected_) {
    return;
  }
  reported_selected_ = now_selected;
  if (listener_ != nullptr) {
    listener_->on_ice_selected_address_changed(now_selected);
  }
}

void IceLite::update_state() {
  if (path_count_ == 0) {
    set_state(state_ == IceState::kNew ? IceState::kNew : IceState::kDisconnected);
    return;
  }
  set_state(nominated() ? IceState::kCompleted : IceState::kConnected);
}

void IceLite::set_state(IceState state) {
  if (state == state_) {
    return;
  }
  state_ = state;
  if (listener_ != nullptr) {
    listener_->on_ice_state_changed(state);
  }
}

}  // namespace ringcast::rtc
