#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/shard.hpp"
#include "rtc/packet_cache.hpp"
#include "rtc/rtcp_packet.hpp"
#include "rtc/rtp_header_extensions.hpp"
#include "rtc/rtp_packet.hpp"
#include "rtc/seq_num.hpp"
#include "rtc/sfu_counters.hpp"

namespace ringcast::rtc {

class Consumer;
class Transport;

enum class MediaKind : uint8_t { kAudio, kVideo };

// One encoding of a producer: the whole stream, or one simulcast layer (RFC 8853). Identified by
// SSRC, or by RID until its first packet binds the SSRC (RFC 8852).
struct EncodingParams {
  std::string rid;
  uint32_t ssrc = 0;
  uint32_t rtx_ssrc = 0;
  uint32_t max_bitrate_bps = 0;
};

struct ProducerParams {
  std::string id;
  MediaKind kind = MediaKind::kVideo;
  std::string codec;
  uint8_t payload_type = 0;
  uint32_t clock_rate = 90000;
  bool paused = false;
  std::string mid;
  // Lowest first; at least one, at most kMaxEncodings.
  std::vector<EncodingParams> encodings;
  uint8_t rtx_payload_type = 0;
  HeaderExtensionIds header_extensions;
};

// Observes a producer's audio levels (the router's AudioLevelObserver).
class AudioLevelSink {
 public:
  virtual ~AudioLevelSink() = default;
  virtual void on_audio_level(const std::string& producer_id, uint8_t level_dbov_negated,
                              bool voice) = 0;
};

// One incoming RTP stream (with its simulcast encodings) on a transport. It keeps, per encoding,
// the receive statistics receiver reports carry and a packet cache for retransmissions, and it
// feeds its consumers.
class Producer {
 public:
  static constexpr size_t kMaxEncodings = 3;

  Producer(ProducerParams params, Transport& transport, SfuCounters& counters);

  const ProducerParams& params() const { return params_; }
  const std::string& id() const { return params_.id; }
  Transport& transport() { return transport_; }
  size_t encoding_count() const { return encodings_.size(); }
  bool simulcast() const { return encodings_.size() > 1; }
  const EncodingParams& encoding_params(size_t index) const { return encodings_[index].params; }
  // Records the SSRC of an encoding learnt from its RID (or of its RTX stream).
  void bind_ssrc(size_t encoding, uint32_t ssrc, bool rtx);

  // The packet path: `packet` is decrypted and parsed and belongs to `encoding`. Fans it out to
  // every consumer.
  void receive_rtp(const RtpPacket& packet, size_t encoding, uint64_t now_ms);
  // An RTX packet (RFC 4588 §4): the original sequence number leads the payload.
  void receive_rtx(const RtpPacket& packet, size_t encoding, uint64_t now_ms);
  void receive_sender_report(const RtcpSenderInfo& sender, uint64_t now_ms);

  void add_consumer(Consumer* consumer);
  void remove_consumer(Consumer* consumer);
  const std::vector<Consumer*>& consumers() const { return consumers_; }

  // Asks the sender of `encoding` for a key frame with a PLI (RFC 4585 §6.3.1), at most once
  // per second per encoding so that a crowd of consumers cannot flood the publisher.
  void request_key_frame(size_t encoding, uint64_t now_ms);

  std::span<const uint8_t> cached_packet(size_t encoding, uint16_t seq, uint64_t now_ms) const {
    return encodings_[encoding].cache.find(seq, now_ms);
  }

  // Report blocks about each encoding for our receiver report (RFC 3550 §6.4.1); returns how
  // many were written to `blocks`.
  size_t fill_report_blocks(std::span<RtcpReportBlock> blocks, uint64_t now_ms);

  // Whether an encoding is sending (a packet in the last second), and its recent bitrate.
  bool encoding_active(size_t encoding, uint64_t now_ms) const;
  uint64_t encoding_bitrate_bps(size_t encoding, uint64_t now_ms) const;
  // 0..10 from the recent loss of the encoding (10 = none).
  uint8_t encoding_score(size_t encoding) const { return encodings_[encoding].score; }
  // Updates scores from the receive statistics (called with each receiver report); true if any
  // changed.
  bool update_scores();

  void set_paused(bool paused) { params_.paused = paused; }
  bool paused() const { return params_.paused; }
  void set_audio_level_sink(AudioLevelSink* sink) { audio_level_sink_ = sink; }

  void visit_counters(const core::CounterVisitor& visit) const;

 private:
  static constexpr uint64_t kKeyFrameRequestIntervalMs = 1000;
  static constexpr uint64_t kBitrateWindowMs = 1000;
  static constexpr size_t kBitrateBuckets = 4;

  struct Encoding {
    explicit Encoding(EncodingParams encoding_params, uint32_t cache_slots)
        : params(std::move(encoding_params)), cache(cache_slots) {}
    EncodingParams params;
    PacketCache cache;
    SequenceTracker sequence{0};  // SRTP or signaling vouches for the source: no probation
    uint64_t packets_received = 0;
    uint64_t bytes_received = 0;
    uint64_t rtx_packets_received = 0;
    uint64_t last_packet_ms = 0;
    uint64_t last_key_frame_request_ms = 0;
    bool key_frame_requested = false;
    uint8_t score = 10;
    uint8_t last_fraction_lost = 0;
    // Bytes per quarter second over the last second, for the layer choice.
    std::array<uint64_t, kBitrateBuckets> bucket_bytes{};
    uint64_t bucket_start_ms = 0;
    size_t bucket = 0;
    uint32_t last_sr_ntp_middle = 0;
    uint64_t last_sr_received_ms = 0;
  };

  void count_bytes(Encoding& encoding, size_t bytes, uint64_t now_ms);
  int encoding_by_ssrc(uint32_t ssrc) const;

  ProducerParams params_;
  Transport& transport_;
  SfuCounters& counters_;
  std::vector<Consumer*> consumers_;
  std::vector<Encoding> encodings_;
  AudioLevelSink* audio_level_sink_ = nullptr;
  uint64_t key_frame_requests_sent_ = 0;
};

}  // namespace ringcast::rtc
