// The DTLS client role on hostile input: a DtlsSession sends its ClientHello, then every
// datagram of the input (2-byte big-endian length prefixes) is fed as if from the server. The
// seeds are a real server's flights, so the fuzzer starts from inside a valid handshake.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

#include "rtc/dtls_transport.hpp"

using namespace ringcast::rtc;

namespace {

struct Sink : DtlsSessionListener {
  void on_dtls_send(std::span<const uint8_t> datagram) override {
    if (datagram.empty() || datagram.size() > 1500) {
      std::abort();
    }
  }
  void on_dtls_state_changed(DtlsState state) override {
    if (state == DtlsState::kConnected) {
      std::abort();  // impossible: the fingerprint is of a key the fuzzer does not hold
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static std::unique_ptr<DtlsCertificate> certificate = DtlsCertificate::generate();
  static std::unique_ptr<DtlsContext> context = DtlsContext::create(*certificate);

  Sink sink;
  std::unique_ptr<DtlsSession> dtls = DtlsSession::create(*context, sink);
  if (dtls == nullptr) {
    std::abort();
  }
  // Expect our own certificate's fingerprint: no input can present a certificate with it that
  // it could also prove possession of.
  if (!dtls->set_remote_fingerprint(certificate->fingerprint_algorithm(),
                                    certificate->fingerprint_value())) {
    std::abort();
  }
  dtls->start(DtlsRole::kClient, 0);
  uint64_t now_ms = 0;
  while (size >= 2) {
    const size_t length = std::min<size_t>((size_t{data[0]} << 8) | data[1], size - 2);
    std::vector<uint8_t> datagram(data + 2, data + 2 + length);
    data += 2 + length;
    size -= 2 + length;
    now_ms += 10;
    dtls->feed(datagram, now_ms);
    dtls->handle_timeout(now_ms);
  }
  dtls->close();
  return 0;
}
