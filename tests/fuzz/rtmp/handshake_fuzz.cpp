// libFuzzer target: the server handshake fed hostile C0/C1/C2 bytes in slices, and the client
// handshake fed hostile S0/S1/S2.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "rtmp/handshake.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ringcast::rtmp;
  if (size == 0) {
    return 0;
  }
  const size_t slice = size_t{data[0]} * 16 + 1;
  std::span<const uint8_t> all(data + 1, size - 1);
  ServerHandshake server;
  ClientHandshake client;
  std::vector<uint8_t> out;
  client.start(out);
  bool server_live = true;
  bool client_live = true;
  for (size_t off = 0; off < all.size(); off += slice) {
    const auto piece = all.subspan(off, std::min(slice, all.size() - off));
    if (server_live) {
      std::span<const uint8_t> in = piece;
      server_live = server.feed(in, out) == HandshakeStatus::kNeedMore;
    }
    if (client_live) {
      std::span<const uint8_t> in = piece;
      client_live = client.feed(in, out) == HandshakeStatus::kNeedMore;
    }
    out.clear();
  }
  return 0;
}
