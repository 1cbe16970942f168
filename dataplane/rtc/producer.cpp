#include "rtc/producer.hpp"

#include <algorithm>
#include <array>

#include "rtc/consumer.hpp"
#include "rtc/transport.hpp"

namespace ringcast::rtc {
namespace {
// About a second of video at high bitrates; audio (50 packets/s) needs far fewer.
constexpr uint32_t kVideoCacheSlots = 1024;
constexpr uint32_t kAudioCacheSlots = 128;
}  // namespace

Producer::Producer(ProducerParams params, Transport& transport, SfuCounters& counters)
    : params_(std::move(params)),
      transport_(transport),
      counters_(counters),
      cache_(params_.kind == MediaKind::kVideo ? kVideoCacheSlots : kAudioCacheSlots) {}

void Producer::receive_rtp(const RtpPacket& packet, uint64_t now_ms) {
  if (packet.payload_type() != params_.payload_type) {
    ++counters_.drop_unknown_payload_type;
    return;
  }
  ++packets_received_;
  bytes_received_ += packet.size();
  sequence_.update(packet.sequence_number());
  // Arrival in the stream's clock units for the A.8 jitter estimate.
  sequence_.update_jitter(packet.timestamp(),
                          static_cast<uint32_t>(now_ms * params_.clock_rate / 1000));
  cache_.store(packet.sequence_number(), packet.bytes(), now_ms);
  if (params_.paused) {
    ++counters_.drop_producer_paused;
    return;
  }
  for (Consumer* consumer : consumers_) {
    consumer->forward(packet, now_ms);
  }
}

void Producer::receive_sender_report(const RtcpSenderInfo& sender, uint64_t now_ms) {
  ++counters_.sender_reports_received;
  last_sr_ntp_middle_ = static_cast<uint32_t>(sender.ntp_timestamp >> 16);
  last_sr_received_ms_ = now_ms;
}

void Producer::add_consumer(Consumer* consumer) { consumers_.push_back(consumer); }

void Producer::remove_consumer(Consumer* consumer) { std::erase(consumers_, consumer); }

void Producer::request_key_frame(uint64_t now_ms) {
  if (key_frame_requested_ && now_ms - last_key_frame_request_ms_ < kKeyFrameRequestIntervalMs) {
    ++counters_.key_frame_requests_throttled;
    return;
  }
  key_frame_requested_ = true;
  last_key_frame_request_ms_ = now_ms;
  std::array<uint8_t, 16> pli{};
  const size_t length = build_pli(pli, transport_.rtcp_ssrc(), params_.ssrc);
  if (transport_.send_rtcp({pli.data(), length})) {
    ++key_frame_requests_sent_;
    ++counters_.key_frame_requests_sent;
  }
}

bool Producer::fill_report_block(RtcpReportBlock& block, uint64_t now_ms) {
  if (!sequence_.started()) {
    return false;
  }
  block.ssrc = params_.ssrc;
  block.fraction_lost = sequence_.take_fraction_lost();
  block.cumulative_lost = sequence_.cumulative_lost();
  block.extended_highest_seq = sequence_.extended_highest();
  block.jitter = sequence_.jitter();
  block.last_sr = last_sr_ntp_middle_;
  // RFC 3550 §6.4.1: delay since last SR in units of 1/65536 s, 0 if no SR yet.
  block.delay_since_last_sr =
      last_sr_received_ms_ == 0
          ? 0
          : static_cast<uint32_t>((now_ms - last_sr_received_ms_) * 65536 / 1000);
  return true;
}

void Producer::visit_counters(const core::CounterVisitor& visit) const {
  visit("packets_received", packets_received_);
  visit("bytes_received", bytes_received_);
  visit("packets_lost", static_cast<uint64_t>(std::max(0, sequence_.cumulative_lost())));
  visit("jitter", sequence_.jitter());
  visit("consumers", consumers_.size());
  visit("key_frame_requests_sent", key_frame_requests_sent_);
  visit("paused", params_.paused ? 1 : 0);
}

}  // namespace ringcast::rtc
