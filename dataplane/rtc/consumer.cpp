#include "rtc/consumer.hpp"

#include <cstring>

#include "rtc/producer.hpp"
#include "rtc/seq_num.hpp"
#include "rtc/transport.hpp"

namespace ringcast::rtc {

Consumer::Consumer(ConsumerParams params, Transport& transport, Producer& producer,
                   SfuCounters& counters, uint32_t initial_random)
    : params_(std::move(params)),
      transport_(transport),
      producer_(&producer),
      counters_(counters),
      clock_rate_(producer.params().clock_rate),
      // RFC 3550 §5.1: initial sequence number and timestamp are random.
      last_seq_(static_cast<uint16_t>(initial_random)),
      last_timestamp_(initial_random * 2654435761u) {}

void Consumer::forward(const RtpPacket& packet, uint64_t now_ms) {
  if (params_.paused) {
    return;
  }
  if (!synced_) {
    // Continue right after the last packet we sent, and advance the timestamp by the wall time
    // that passed, so a resumed (or new) stream looks continuous to the receiver.
    const uint16_t next_seq = static_cast<uint16_t>(last_seq_ + 1);
    const uint32_t elapsed =
        packets_sent_ == 0 ? 0
                           : static_cast<uint32_t>((now_ms - last_sent_ms_) * clock_rate_ / 1000);
    const uint32_t next_timestamp = last_timestamp_ + (elapsed == 0 ? 1 : elapsed);
    if (packets_sent_ > 0) {
      previous_ = current_;
      has_previous_ = true;
    }
    current_.first_seq = next_seq;
    current_.seq_offset = static_cast<uint16_t>(next_seq - packet.sequence_number());
    current_.timestamp_offset = next_timestamp - packet.timestamp();
    synced_ = true;
  }
  if (send_copy(packet.bytes(), current_, /*retransmission=*/false)) {
    const uint16_t seq = static_cast<uint16_t>(packet.sequence_number() + current_.seq_offset);
    if (seq_newer(seq, last_seq_) || packets_sent_ == 1) {
      last_seq_ = seq;
      last_timestamp_ = packet.timestamp() + current_.timestamp_offset;
    }
    last_sent_ms_ = now_ms;
  }
}

bool Consumer::send_copy(std::span<const uint8_t> source, const Epoch& epoch, bool retransmission) {
  core::SendBuffer* buffer = transport_.acquire_send_buffer();
  if (buffer == nullptr) {
    return false;
  }
  memcpy(buffer->data, source.data(), source.size());
  // Rewrite the fixed header in place (RFC 3550 §5.1 offsets): the payload type keeps the marker
  // bit, then sequence number, timestamp and SSRC.
  uint8_t* header = buffer->data;
  header[1] = static_cast<uint8_t>((header[1] & 0x80) | (params_.payload_type & 0x7F));
  const uint16_t seq = static_cast<uint16_t>(((source[2] << 8) | source[3]) + epoch.seq_offset);
  header[2] = static_cast<uint8_t>(seq >> 8);
  header[3] = static_cast<uint8_t>(seq);
  const uint32_t timestamp = ((uint32_t{source[4]} << 24) | (uint32_t{source[5]} << 16) |
                              (uint32_t{source[6]} << 8) | uint32_t{source[7]}) +
                             epoch.timestamp_offset;
  header[4] = static_cast<uint8_t>(timestamp >> 24);
  header[5] = static_cast<uint8_t>(timestamp >> 16);
  header[6] = static_cast<uint8_t>(timestamp >> 8);
  header[7] = static_cast<uint8_t>(timestamp);
  header[8] = static_cast<uint8_t>(params_.ssrc >> 24);
  header[9] = static_cast<uint8_t>(params_.ssrc >> 16);
  header[10] = static_cast<uint8_t>(params_.ssrc >> 8);
  header[11] = static_cast<uint8_t>(params_.ssrc);
  if (!transport_.send_rtp(buffer, source.size())) {
    return false;
  }
  ++packets_sent_;
  bytes_sent_ += source.size();
  if (retransmission) {
    ++retransmissions_;
  }
  return true;
}

const Consumer::Epoch* Consumer::epoch_for(uint16_t our_seq) const {
  if (!synced_ && !has_previous_ && packets_sent_ == 0) {
    return nullptr;
  }
  if (packets_sent_ > 0 &&
      (our_seq == current_.first_seq || seq_newer(our_seq, current_.first_seq))) {
    return &current_;
  }
  return has_previous_ ? &previous_ : nullptr;
}

void Consumer::on_nack(const RtcpNack& nack, uint64_t now_ms) {
  ++nacks_received_;
  for (size_t i = 0; i < nack.count; ++i) {
    ++counters_.nacked_sequence_numbers;
    const uint16_t our_seq = nack.seqs[i];
    const Epoch* epoch = epoch_for(our_seq);
    std::span<const uint8_t> cached;
    if (epoch != nullptr && producer_ != nullptr) {
      cached = producer_->cached_packet(static_cast<uint16_t>(our_seq - epoch->seq_offset), now_ms);
    }
    if (cached.empty()) {
      ++counters_.retransmissions_not_cached;
      continue;
    }
    if (send_copy(cached, *epoch, /*retransmission=*/true)) {
      ++counters_.retransmissions_sent;
    }
  }
}

void Consumer::on_key_frame_request(uint64_t now_ms) {
  ++key_frame_requests_;
  ++counters_.key_frame_requests_received;
  if (producer_ != nullptr) {
    producer_->request_key_frame(now_ms);
  }
}

void Consumer::pause() { params_.paused = true; }

void Consumer::resume(uint64_t now_ms) {
  if (!params_.paused) {
    return;
  }
  params_.paused = false;
  synced_ = false;  // the next packet starts a new epoch right after our last sequence number
  // The receiver's decoder needs a key frame to start again from where we resume.
  if (producer_ != nullptr && producer_->params().kind == MediaKind::kVideo) {
    producer_->request_key_frame(now_ms);
  }
}

bool Consumer::fill_sender_info(RtcpSenderInfo& info, uint64_t now_ms, uint64_t ntp_now) const {
  if (packets_sent_ == 0) {
    return false;
  }
  info.ssrc = params_.ssrc;
  info.ntp_timestamp = ntp_now;
  // RFC 3550 §6.4.1: the RTP timestamp corresponding to the NTP time, extrapolated from the last
  // packet sent.
  info.rtp_timestamp =
      last_timestamp_ + static_cast<uint32_t>((now_ms - last_sent_ms_) * clock_rate_ / 1000);
  info.packet_count = static_cast<uint32_t>(packets_sent_);
  info.octet_count = static_cast<uint32_t>(bytes_sent_);
  return true;
}

void Consumer::visit_counters(const core::CounterVisitor& visit) const {
  visit("packets_sent", packets_sent_);
  visit("bytes_sent", bytes_sent_);
  visit("retransmissions_sent", retransmissions_);
  visit("nack_packets_received", nacks_received_);
  visit("key_frame_requests_received", key_frame_requests_);
  visit("paused", params_.paused ? 1 : 0);
}

}  // namespace ringcast::rtc
