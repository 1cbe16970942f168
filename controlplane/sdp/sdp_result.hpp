#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace ringcast::controlplane::sdp {

// Why a description was refused: a sentence for a person, and the 1-based line it was found on
// (0 when it is about the whole description, e.g. its size or a missing m-section).
struct SdpError {
  std::string reason;
  std::size_t line = 0;

  std::string message() const {
    return line == 0 ? reason : "line " + std::to_string(line) + ": " + reason;
  }
};

// Thrown by value() on an error result, for callers that prefer exceptions (the control plane
// may; the parser itself never throws on bad input).
class SdpException : public std::runtime_error {
 public:
  explicit SdpException(const SdpError& error) : std::runtime_error(error.message()) {}
};

// Either a value or the reason there is none.
template <typename T>
class SdpResult {
 public:
  SdpResult(T value) : state_(std::move(value)) {}         // NOLINT: implicit on purpose
  SdpResult(SdpError error) : state_(std::move(error)) {}  // NOLINT

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }

  const T& value() const& {
    if (!ok()) {
      throw SdpException(error());
    }
    return std::get<T>(state_);
  }
  T&& value() && {
    if (!ok()) {
      throw SdpException(error());
    }
    return std::get<T>(std::move(state_));
  }
  const SdpError& error() const { return std::get<SdpError>(state_); }

 private:
  std::variant<T, SdpError> state_;
};

}  // namespace ringcast::controlplane::sdp
