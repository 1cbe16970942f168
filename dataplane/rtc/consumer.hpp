#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/shard.hpp"
#include "rtc/rtcp_packet.hpp"
#include "rtc/rtp_header_extensions.hpp"
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
  // RTX (RFC 4588) for retransmissions, when both are set.
  uint8_t rtx_payload_type = 0;
  uint32_t rtx_ssrc = 0;
  // The extension ids our receiver negotiated (0 = not negotiated: the element is removed).
  HeaderExtensionIds header_extensions;
  std::string mid;
  // Simulcast: the layer wanted, -1 = the highest.
  int preferred_layer = -1;
};

// Sends one producer's packets to one transport as its own stream: its own SSRC and payload type,
// and its own sequence numbers and timestamps, so that pausing, joining mid-stream and switching
// simulcast layers show the receiver one continuous stream with no gap it would read as loss.
class Consumer {
 public:
  // Told when the layer being forwarded changes (-1: none).
  using LayerListener = std::function<void(Consumer&, int layer)>;

  Consumer(ConsumerParams params, Transport& transport, Producer& producer, SfuCounters& counters,
           uint32_t initial_random);

  const ConsumerParams& params() const { return params_; }
  const std::string& id() const { return params_.id; }
  uint32_t ssrc() const { return params_.ssrc; }
  Transport& transport() { return transport_; }
  Producer* producer() { return producer_; }

  // The packet path, once per consumer per packet of `encoding`.
  void forward(const RtpPacket& packet, size_t encoding, uint64_t now_ms);

  // RTCP from our receiver about our stream.
  void on_nack(const RtcpNack& nack, uint64_t now_ms);
  void on_key_frame_request(uint64_t now_ms);

  void pause();
  void resume(uint64_t now_ms);
  bool paused() const { return params_.paused; }

  // Simulcast: the layer wanted by signaling, and the most the bandwidth allows (the transport's
  // downlink estimate decides it). Switching happens on a key frame of the target layer.
  void set_preferred_layer(int layer, uint64_t now_ms);
  void set_bandwidth_layer_limit(int layer, uint64_t now_ms);
  // Re-evaluates the target layer (layers start and stop on the publisher's side).
  void refresh_layers(uint64_t now_ms) { update_target_layer(now_ms); }
  int current_layer() const { return current_layer_; }
  int target_layer() const { return target_layer_; }
  void set_layer_listener(LayerListener listener) { layer_listener_ = std::move(listener); }

  // Our sender report (RFC 3550 §6.4.1); false before anything was sent.
  bool fill_sender_info(RtcpSenderInfo& info, uint64_t now_ms, uint64_t ntp_now) const;

  void producer_closed() { producer_ = nullptr; }
  void visit_counters(const core::CounterVisitor& visit) const;

 private:
  // Producer sequence/timestamp/picture space -> ours: ours = theirs + offset. A new epoch starts
  // at every resume and every layer switch; NACKs for the previous epoch still map back.
  struct Epoch {
    uint16_t first_seq = 0;  // our first sequence number in this epoch
    uint16_t seq_offset = 0;
    uint32_t timestamp_offset = 0;
    uint16_t picture_id_offset = 0;
    uint8_t tl0_offset = 0;
    int encoding = 0;
  };

  void update_target_layer(uint64_t now_ms);
  void start_epoch(const RtpPacket& packet, size_t encoding, uint64_t now_ms);
  bool send_copy(std::span<const uint8_t> source, const Epoch& epoch, bool retransmission);
  bool send_rtx(std::span<const uint8_t> source, const Epoch& epoch);
  void rewrite_extensions(uint8_t* packet, size_t length);
  const Epoch* epoch_for(uint16_t our_seq) const;

  ConsumerParams params_;
  Transport& transport_;
  Producer* producer_;
  SfuCounters& counters_;
  uint32_t clock_rate_;
  bool simulcast_;
  bool vp8_;
  // Producer extension id -> ours, built once.
  RtpExtensionIdMap extension_map_{};
  bool remap_extensions_ = false;

  int current_layer_ = -1;  // the encoding being forwarded; -1 until the first (key) frame
  int target_layer_ = 0;
  int bandwidth_limit_ = -1;  // -1 = no limit known
  LayerListener layer_listener_;

  bool synced_ = false;  // false until the first packet of an epoch sets the offsets
  Epoch current_;
  Epoch previous_;
  bool has_previous_ = false;
  uint16_t last_seq_;
  uint32_t last_timestamp_;
  uint16_t last_picture_id_ = 0;
  uint8_t last_tl0_ = 0;
  uint16_t rtx_seq_;
  uint64_t last_sent_ms_ = 0;
  uint64_t packets_sent_ = 0;
  uint64_t bytes_sent_ = 0;
  uint64_t retransmissions_ = 0;
  uint64_t nacks_received_ = 0;
  uint64_t key_frame_requests_ = 0;
  uint64_t layer_switches_ = 0;
};

}  // namespace ringcast::rtc
