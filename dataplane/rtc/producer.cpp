#include "rtc/producer.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>

#include "rtc/byte_io.hpp"
#include "rtc/consumer.hpp"
#include "rtc/transport.hpp"

namespace ringcast::rtc {
namespace {
// About a second of video at high bitrates; audio (50 packets/s) needs far fewer.
constexpr uint32_t kVideoCacheSlots = 1024;
constexpr uint32_t kAudioCacheSlots = 128;
}  // namespace

Producer::Producer(ProducerParams params, Transport& transport, SfuCounters& counters)
    : params_(std::move(params)), transport_(transport), counters_(counters) {
  const uint32_t slots = params_.kind == MediaKind::kVideo ? kVideoCacheSlots : kAudioCacheSlots;
  encodings_.reserve(params_.encodings.size());
  for (const EncodingParams& encoding : params_.encodings) {
    encodings_.emplace_back(encoding, slots);
  }
}

void Producer::bind_ssrc(size_t encoding, uint32_t ssrc, bool rtx) {
  (rtx ? encodings_[encoding].params.rtx_ssrc : encodings_[encoding].params.ssrc) = ssrc;
}

void Producer::count_bytes(Encoding& encoding, size_t bytes, uint64_t now_ms) {
  constexpr uint64_t kBucketMs = kBitrateWindowMs / kBitrateBuckets;
  while (now_ms >= encoding.bucket_start_ms + kBucketMs) {
    encoding.bucket = (encoding.bucket + 1) % kBitrateBuckets;
    encoding.bucket_bytes[encoding.bucket] = 0;
    encoding.bucket_start_ms =
        encoding.bucket_start_ms == 0 || now_ms - encoding.bucket_start_ms > kBitrateWindowMs
            ? now_ms
            : encoding.bucket_start_ms + kBucketMs;
  }
  encoding.bucket_bytes[encoding.bucket] += bytes;
}

void Producer::receive_rtp(const RtpPacket& packet, size_t encoding_index, uint64_t now_ms) {
  if (packet.payload_type() != params_.payload_type) {
    ++counters_.drop_unknown_payload_type;
    return;
  }
  Encoding& encoding = encodings_[encoding_index];
  ++encoding.packets_received;
  encoding.bytes_received += packet.size();
  encoding.last_packet_ms = now_ms;
  count_bytes(encoding, packet.size(), now_ms);
  encoding.sequence.update(packet.sequence_number());
  // Arrival in the stream's clock units for the A.8 jitter estimate.
  encoding.sequence.update_jitter(packet.timestamp(),
                                  static_cast<uint32_t>(now_ms * params_.clock_rate / 1000));
  encoding.cache.store(packet.sequence_number(), packet.bytes(), now_ms);
  if (audio_level_sink_ != nullptr && params_.header_extensions.audio_level != 0) {
    if (auto level = read_audio_level(packet, params_.header_extensions.audio_level)) {
      audio_level_sink_->on_audio_level(params_.id, level->level, level->voice);
    }
  }
  if (params_.paused) {
    ++counters_.drop_producer_paused;
    return;
  }
  for (Consumer* consumer : consumers_) {
    consumer->forward(packet, encoding_index, now_ms);
  }
}

void Producer::receive_rtx(const RtpPacket& packet, size_t encoding_index, uint64_t now_ms) {
  Encoding& encoding = encodings_[encoding_index];
  ++encoding.rtx_packets_received;
  // Padding-only RTX packets are bandwidth probes (libwebrtc), not repairs.
  if (packet.payload().size() < 2) {
    ++counters_.rtx_padding_received;
    return;
  }
  // RFC 4588 §4: restore the original packet in place: the OSN becomes the sequence number and
  // the payload moves up over it.
  std::span<uint8_t> payload = packet.payload();
  const uint16_t original_seq = load_be16(payload.data());
  uint8_t* bytes = packet.data();
  const size_t header_size = packet.header_size();
  std::memmove(bytes + 2, bytes, header_size);
  std::span<uint8_t> restored(bytes + 2, packet.size() - 2);
  store_be16(restored.data() + 2, original_seq);
  store_be32(restored.data() + 8, encoding.params.ssrc);
  restored[1] = static_cast<uint8_t>((restored[1] & 0x80) | params_.payload_type);
  RtpPacket original;
  if (original.parse(restored) != RtpError::kNone) {
    ++counters_.drop_malformed_rtx;
    return;
  }
  ++counters_.rtx_repairs_received;
  receive_rtp(original, encoding_index, now_ms);
}

void Producer::receive_sender_report(const RtcpSenderInfo& sender, uint64_t now_ms) {
  const int index = encoding_by_ssrc(sender.ssrc);
  if (index < 0) {
    return;
  }
  ++counters_.sender_reports_received;
  encodings_[index].last_sr_ntp_middle = static_cast<uint32_t>(sender.ntp_timestamp >> 16);
  encodings_[index].last_sr_received_ms = now_ms;
}

int Producer::encoding_by_ssrc(uint32_t ssrc) const {
  for (size_t i = 0; i < encodings_.size(); ++i) {
    if (encodings_[i].params.ssrc == ssrc) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

void Producer::add_consumer(Consumer* consumer) { consumers_.push_back(consumer); }

void Producer::remove_consumer(Consumer* consumer) { std::erase(consumers_, consumer); }

void Producer::request_key_frame(size_t encoding_index, uint64_t now_ms) {
  Encoding& encoding = encodings_[encoding_index];
  if (encoding.params.ssrc == 0) {
    return;  // not seen yet: nothing to address a PLI to
  }
  if (encoding.key_frame_requested &&
      now_ms - encoding.last_key_frame_request_ms < kKeyFrameRequestIntervalMs) {
    ++counters_.key_frame_requests_throttled;
    return;
  }
  encoding.key_frame_requested = true;
  encoding.last_key_frame_request_ms = now_ms;
  std::array<uint8_t, 16> pli{};
  const size_t length = build_pli(pli, transport_.rtcp_ssrc(), encoding.params.ssrc);
  if (transport_.send_rtcp({pli.data(), length})) {
    ++key_frame_requests_sent_;
    ++counters_.key_frame_requests_sent;
  }
}

size_t Producer::fill_report_blocks(std::span<RtcpReportBlock> blocks, uint64_t now_ms) {
  size_t written = 0;
  for (Encoding& encoding : encodings_) {
    if (written == blocks.size() || !encoding.sequence.started()) {
      continue;
    }
    RtcpReportBlock& block = blocks[written++];
    block.ssrc = encoding.params.ssrc;
    block.fraction_lost = encoding.sequence.take_fraction_lost();
    encoding.last_fraction_lost = block.fraction_lost;
    block.cumulative_lost = encoding.sequence.cumulative_lost();
    block.extended_highest_seq = encoding.sequence.extended_highest();
    block.jitter = encoding.sequence.jitter();
    block.last_sr = encoding.last_sr_ntp_middle;
    // RFC 3550 §6.4.1: delay since last SR in units of 1/65536 s, 0 if no SR yet.
    block.delay_since_last_sr =
        encoding.last_sr_received_ms == 0
            ? 0
            : static_cast<uint32_t>((now_ms - encoding.last_sr_received_ms) * 65536 / 1000);
  }
  return written;
}

bool Producer::update_scores() {
  bool changed = false;
  for (Encoding& encoding : encodings_) {
    // Fraction lost is 8-bit fixed point; 10% loss or more scores 0.
    const int loss_percent = encoding.last_fraction_lost * 100 / 256;
    const auto score = static_cast<uint8_t>(std::clamp(10 - loss_percent, 0, 10));
    changed = changed || score != encoding.score;
    encoding.score = score;
  }
  return changed;
}

bool Producer::encoding_active(size_t encoding, uint64_t now_ms) const {
  const Encoding& e = encodings_[encoding];
  return e.packets_received > 0 && now_ms - e.last_packet_ms < 1000;
}

uint64_t Producer::encoding_bitrate_bps(size_t encoding, uint64_t now_ms) const {
  const Encoding& e = encodings_[encoding];
  if (!encoding_active(encoding, now_ms)) {
    return 0;
  }
  uint64_t bytes = 0;
  for (uint64_t bucket : e.bucket_bytes) {
    bytes += bucket;
  }
  return bytes * 8 * 1000 / kBitrateWindowMs;
}

void Producer::visit_counters(const core::CounterVisitor& visit) const {
  uint64_t packets = 0;
  uint64_t bytes = 0;
  uint64_t lost = 0;
  uint64_t rtx = 0;
  for (const Encoding& encoding : encodings_) {
    packets += encoding.packets_received;
    bytes += encoding.bytes_received;
    rtx += encoding.rtx_packets_received;
    lost += static_cast<uint64_t>(std::max(0, encoding.sequence.cumulative_lost()));
  }
  visit("packets_received", packets);
  visit("bytes_received", bytes);
  visit("rtx_packets_received", rtx);
  visit("packets_lost", lost);
  visit("jitter", encodings_.empty() ? 0 : encodings_[0].sequence.jitter());
  visit("consumers", consumers_.size());
  visit("encodings", encodings_.size());
  visit("key_frame_requests_sent", key_frame_requests_sent_);
  visit("paused", params_.paused ? 1 : 0);
  // Visited only by GetObjectStats (control work), so building names here is fine.
  for (size_t i = 0; i < encodings_.size(); ++i) {
    const std::string prefix = "encoding" + std::to_string(i);
    visit(prefix + "_packets_received", encodings_[i].packets_received);
    visit(prefix + "_score", encodings_[i].score);
  }
}

}  // namespace ringcast::rtc
