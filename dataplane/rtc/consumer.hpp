#pragma once

#include <cstdint>
#include <string>

#include "core/shard.hpp"
#include "rtc/rtcp_packet.hpp"
#include "rtc/rtp_packet.hpp"
#include "rtc/sfu_counters.hpp"

namespace ringcast::rtc {

class Producer;
class Transport;

struct ConsumerParams {
  std::string id;
  std::string producer_id;
  uint32_t ssrc = 0;
  uint8_t payload_type = 0;
  bool paused = false;
};

// Sends one producer's packets to one transport as its own stream: its own SSRC and payload type,
// and its own sequence numbers and timestamps, so that pausing (and joining mid-stream) shows the
// receiver one continuous stream with no gap it would read as loss.
class Consumer {
 public:
  Consumer(ConsumerParams params, Transport& transport, Producer& producer, SfuCounters& counters,
           uint32_t initial_random);

  const ConsumerParams& params() const { return params_; }
  const std::string& id() const { return params_.id; }
  uint32_t ssrc() const { return params_.ssrc; }
  Transport& transport() { return transport_; }
  Producer* producer() { return producer_; }

  // The packet path, once per consumer per packet.
  void forward(const RtpPacket& packet, uint64_t now_ms);

  // RTCP from our receiver about our stream.
  void on_nack(const RtcpNack& nack, uint64_t now_ms);
  void on_key_frame_request(uint64_t now_ms);

  void pause();
  void resume(uint64_t now_ms);
  bool paused() const { return params_.paused; }

  // Our sender report (RFC 3550 §6.4.1); false before anything was sent.
  bool fill_sender_info(RtcpSenderInfo& info, uint64_t now_ms, uint64_t ntp_now) const;

  void producer_closed() { producer_ = nullptr; }
  void visit_counters(const core::CounterVisitor& visit) const;

 private:
  // Producer sequence/timestamp space -> ours: ours = theirs + offset (mod 2^16 / 2^32). A new
  // epoch starts at every resume; NACKs for the previous epoch still map back correctly.
  struct Epoch {
    uint16_t first_seq = 0;  // our first sequence number in this epoch
    uint16_t seq_offset = 0;
    uint32_t timestamp_offset = 0;
  };

  bool send_copy(std::span<const uint8_t> source, const Epoch& epoch, bool retransmission);
  const Epoch* epoch_for(uint16_t our_seq) const;

  ConsumerParams params_;
  Transport& transport_;
  Producer* producer_;
  SfuCounters& counters_;
  uint32_t clock_rate_;

  bool synced_ = false;  // false until the first packet of an epoch sets the offsets
  Epoch current_;
  Epoch previous_;
  bool has_previous_ = false;
  uint16_t last_seq_;
  uint32_t last_timestamp_;
  uint64_t last_sent_ms_ = 0;
  uint64_t packets_sent_ = 0;
  uint64_t bytes_sent_ = 0;
  uint64_t retransmissions_ = 0;
  uint64_t nacks_received_ = 0;
  uint64_t key_frame_requests_ = 0;
};

}  // namespace ringcast::rtc
