#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/shard.hpp"
#include "rtc/packet_cache.hpp"
#include "rtc/rtcp_packet.hpp"
#include "rtc/rtp_packet.hpp"
#include "rtc/seq_num.hpp"
#include "rtc/sfu_counters.hpp"

namespace ringcast::rtc {

class Consumer;
class Transport;

enum class MediaKind : uint8_t { kAudio, kVideo };

struct ProducerParams {
  std::string id;
  MediaKind kind = MediaKind::kVideo;
  std::string codec;
  uint8_t payload_type = 0;
  uint32_t ssrc = 0;
  uint32_t clock_rate = 90000;
  bool paused = false;
};

// One incoming RTP stream on a transport. It keeps the receive statistics receiver reports
// carry, a packet cache for retransmissions, and the list of consumers it feeds.
class Producer {
 public:
  Producer(ProducerParams params, Transport& transport, SfuCounters& counters);

  const ProducerParams& params() const { return params_; }
  const std::string& id() const { return params_.id; }
  uint32_t ssrc() const { return params_.ssrc; }
  Transport& transport() { return transport_; }

  // The packet path: `packet` is decrypted and parsed. Fans it out to every consumer.
  void receive_rtp(const RtpPacket& packet, uint64_t now_ms);
  void receive_sender_report(const RtcpSenderInfo& sender, uint64_t now_ms);

  void add_consumer(Consumer* consumer);
  void remove_consumer(Consumer* consumer);
  const std::vector<Consumer*>& consumers() const { return consumers_; }

  // Asks the sender for a key frame with a PLI (RFC 4585 §6.3.1), at most once per second so that
  // a crowd of consumers cannot flood the publisher.
  void request_key_frame(uint64_t now_ms);

  std::span<const uint8_t> cached_packet(uint16_t seq, uint64_t now_ms) const {
    return cache_.find(seq, now_ms);
  }

  // A report block about this stream for our receiver report (RFC 3550 §6.4.1). False until a
  // packet has arrived.
  bool fill_report_block(RtcpReportBlock& block, uint64_t now_ms);

  void set_paused(bool paused) { params_.paused = paused; }
  bool paused() const { return params_.paused; }

  void visit_counters(const core::CounterVisitor& visit) const;

 private:
  static constexpr uint64_t kKeyFrameRequestIntervalMs = 1000;

  ProducerParams params_;
  Transport& transport_;
  SfuCounters& counters_;
  std::vector<Consumer*> consumers_;
  PacketCache cache_;
  SequenceTracker sequence_{0};  // SRTP or signaling vouches for the source: no probation
  uint64_t packets_received_ = 0;
  uint64_t bytes_received_ = 0;
  uint64_t key_frame_requests_sent_ = 0;
  uint64_t last_key_frame_request_ms_ = 0;
  bool key_frame_requested_ = false;
  // Middle 32 bits of the last SR's NTP time and when it arrived, for LSR/DLSR.
  uint32_t last_sr_ntp_middle_ = 0;
  uint64_t last_sr_received_ms_ = 0;
};

}  // namespace ringcast::rtc
