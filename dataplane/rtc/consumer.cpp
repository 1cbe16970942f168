#include "rtc/consumer.hpp"

#include <cstring>

#include "rtc/byte_io.hpp"
#include "rtc/producer.hpp"
#include "rtc/seq_num.hpp"
#include "rtc/transport.hpp"
#include "rtc/vp8_descriptor.hpp"

namespace ringcast::rtc {
namespace {

bool any_extension(const HeaderExtensionIds& ids) {
  return ids.mid != 0 || ids.rid != 0 || ids.repaired_rid != 0 || ids.transport_wide_cc != 0 ||
         ids.audio_level != 0 || ids.abs_send_time != 0;
}

// H.264 (RFC 6184 §5.6-5.8): an IDR slice or an SPS starts a decodable picture, whether it
// comes alone, first in a STAP-A, or as the start of an FU-A.
bool h264_key_frame(std::span<const uint8_t> payload) {
  if (payload.empty()) {
    return false;
  }
  const uint8_t type = payload[0] & 0x1F;
  if (type == 5 || type == 7) {
    return true;
  }
  if (type == 24 && payload.size() > 3) {
    const uint8_t first = payload[3] & 0x1F;
    return first == 5 || first == 7;
  }
  if (type == 28 && payload.size() > 1) {
    return (payload[1] & 0x80) != 0 && ((payload[1] & 0x1F) == 5 || (payload[1] & 0x1F) == 7);
  }
  return false;
}

}  // namespace

Consumer::Consumer(ConsumerParams params, Transport& transport, Producer& producer,
                   SfuCounters& counters, uint32_t initial_random)
    : params_(std::move(params)),
      transport_(transport),
      producer_(&producer),
      counters_(counters),
      clock_rate_(producer.params().clock_rate),
      simulcast_(producer.simulcast()),
      vp8_(producer.params().codec == "VP8" || producer.params().codec == "vp8"),
      // RFC 3550 §5.1: initial sequence number and timestamp are random.
      last_seq_(static_cast<uint16_t>(initial_random)),
      last_timestamp_(initial_random * 2654435761u),
      rtx_seq_(static_cast<uint16_t>(initial_random >> 16)) {
  const HeaderExtensionIds& theirs = producer.params().header_extensions;
  const HeaderExtensionIds& ours = params_.header_extensions;
  remap_extensions_ = any_extension(theirs) || any_extension(ours);
  // Every id not listed maps to 0: the element is blanked to padding. MID and RIDs describe the
  // publisher's m-section and simulcast streams and mean nothing to our receiver, which knows our
  // SSRC from signaling.
  auto map = [this](uint8_t from, uint8_t to) {
    if (from != 0) {
      extension_map_[from] = to;
    }
  };
  map(theirs.transport_wide_cc, ours.transport_wide_cc);
  map(theirs.audio_level, ours.audio_level);
  map(theirs.abs_send_time, ours.abs_send_time);
  if (!simulcast_) {
    current_layer_ = 0;
  }
  update_target_layer(0);
}

void Consumer::forward(const RtpPacket& packet, size_t encoding, uint64_t now_ms) {
  if (params_.paused) {
    return;
  }
  if (simulcast_ && static_cast<int>(encoding) != current_layer_) {
    if (static_cast<int>(encoding) != target_layer_) {
      return;
    }
    // Switch only where the target layer's decoder can start: its key frame.
    const std::span<const uint8_t> payload = packet.payload();
    bool key_frame = false;
    if (vp8_) {
      Vp8Descriptor descriptor;
      key_frame = descriptor.parse(payload) == Vp8Error::kNone && descriptor.key_frame;
    } else {
      key_frame = h264_key_frame(payload);
    }
    if (!key_frame) {
      return;
    }
    current_layer_ = static_cast<int>(encoding);
    synced_ = false;
    ++layer_switches_;
    if (layer_listener_) {
      layer_listener_(*this, current_layer_);
    }
  }
  if (!synced_) {
    start_epoch(packet, encoding, now_ms);
  }
  if (send_copy(packet.bytes(), current_, /*retransmission=*/false)) {
    const uint16_t seq = static_cast<uint16_t>(packet.sequence_number() + current_.seq_offset);
    if (seq_newer(seq, last_seq_)) {
      last_seq_ = seq;
      last_timestamp_ = packet.timestamp() + current_.timestamp_offset;
    }
    last_sent_ms_ = now_ms;
  }
}

void Consumer::start_epoch(const RtpPacket& packet, size_t encoding, uint64_t now_ms) {
  // Continue right after the last packet we sent, and advance the timestamp by the wall time
  // that passed, so a resumed, new or switched stream looks continuous to the receiver.
  const uint16_t next_seq = static_cast<uint16_t>(last_seq_ + 1);
  const uint32_t elapsed =
      packets_sent_ == 0 ? 0 : static_cast<uint32_t>((now_ms - last_sent_ms_) * clock_rate_ / 1000);
  const uint32_t next_timestamp = last_timestamp_ + (elapsed == 0 ? 1 : elapsed);
  if (packets_sent_ > 0) {
    previous_ = current_;
    has_previous_ = true;
  }
  current_.first_seq = next_seq;
  current_.seq_offset = static_cast<uint16_t>(next_seq - packet.sequence_number());
  current_.timestamp_offset = next_timestamp - packet.timestamp();
  current_.encoding = static_cast<int>(encoding);
  current_.picture_id_offset = 0;
  current_.tl0_offset = 0;
  if (vp8_ && simulcast_) {
    Vp8Descriptor descriptor;
    if (descriptor.parse(packet.payload()) == Vp8Error::kNone) {
      if (descriptor.has_picture_id && packets_sent_ > 0) {
        current_.picture_id_offset =
            static_cast<uint16_t>(last_picture_id_ + 1 - descriptor.picture_id);
      }
      if (descriptor.has_tl0_pic_idx && packets_sent_ > 0) {
        current_.tl0_offset = static_cast<uint8_t>(last_tl0_ + 1 - descriptor.tl0_pic_idx);
      }
    }
  }
  synced_ = true;
}

void Consumer::rewrite_extensions(uint8_t* bytes, size_t length) {
  // Parsing the copy once (about 13 ns) gives the extension block and payload positions.
  RtpPacket packet;
  if (packet.parse({bytes, length}) != RtpError::kNone) {
    return;
  }
  if (remap_extensions_ && packet.has_extension()) {
    packet.remap_extension_ids(extension_map_);
  }
  if (vp8_ && simulcast_) {
    Vp8Descriptor descriptor;
    const std::span<uint8_t> payload = packet.payload();
    if (descriptor.parse(payload) == Vp8Error::kNone) {
      if (descriptor.has_picture_id) {
        const auto picture_id =
            static_cast<uint16_t>(descriptor.picture_id + current_.picture_id_offset);
        descriptor.set_picture_id(payload, picture_id);
        last_picture_id_ = descriptor.long_picture_id ? (picture_id & 0x7FFF) : (picture_id & 0x7F);
      }
      if (descriptor.has_tl0_pic_idx) {
        last_tl0_ = static_cast<uint8_t>(descriptor.tl0_pic_idx + current_.tl0_offset);
        descriptor.set_tl0_pic_idx(payload, last_tl0_);
      }
    }
  }
  transport_.on_rtp_sending(packet, params_.header_extensions.transport_wide_cc);
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
  store_be16(header + 2, static_cast<uint16_t>(load_be16(source.data() + 2) + epoch.seq_offset));
  store_be32(header + 4, load_be32(source.data() + 4) + epoch.timestamp_offset);
  store_be32(header + 8, params_.ssrc);
  if (remap_extensions_ || (vp8_ && simulcast_) ||
      (params_.header_extensions.transport_wide_cc != 0 && transport_.stamps_transport_cc())) {
    rewrite_extensions(buffer->data, source.size());
  }
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

bool Consumer::send_rtx(std::span<const uint8_t> source, const Epoch& epoch) {
  core::SendBuffer* buffer = transport_.acquire_send_buffer();
  if (buffer == nullptr) {
    return false;
  }
  // RFC 4588 §4: the RTX payload is the original sequence number (ours) then the original
  // payload; the header is the original's with the RTX payload type, SSRC and sequence number.
  memcpy(buffer->data, source.data(), source.size());
  RtpPacket original;
  if (original.parse({buffer->data, source.size()}) != RtpError::kNone ||
      source.size() + 2 > core::SendBuffer::kCapacity - SrtpSession::kMaxTrailer) {
    transport_.release_send_buffer(buffer);
    return false;
  }
  const size_t header_size = original.header_size();
  memcpy(buffer->data + header_size + 2, source.data() + header_size, source.size() - header_size);
  store_be16(buffer->data + header_size,
             static_cast<uint16_t>(load_be16(source.data() + 2) + epoch.seq_offset));
  uint8_t* header = buffer->data;
  header[1] = static_cast<uint8_t>((header[1] & 0x80) | (params_.rtx_payload_type & 0x7F));
  store_be16(header + 2, rtx_seq_++);
  store_be32(header + 4, load_be32(source.data() + 4) + epoch.timestamp_offset);
  store_be32(header + 8, params_.rtx_ssrc);
  const size_t length = source.size() + 2;
  rewrite_extensions(buffer->data, length);
  if (!transport_.send_rtp(buffer, length)) {
    return false;
  }
  ++retransmissions_;
  return true;
}

const Consumer::Epoch* Consumer::epoch_for(uint16_t our_seq) const {
  if (packets_sent_ == 0) {
    return nullptr;
  }
  if (our_seq == current_.first_seq || seq_newer(our_seq, current_.first_seq)) {
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
      cached = producer_->cached_packet(static_cast<size_t>(epoch->encoding),
                                        static_cast<uint16_t>(our_seq - epoch->seq_offset), now_ms);
    }
    if (cached.empty()) {
      ++counters_.retransmissions_not_cached;
      continue;
    }
    // With RTX the retransmission is a new packet (its own sequence number and transport-wide
    // number); without it, the same packet again, which SRTP allows only because its bytes are
    // identical (the GCM nonce repeats with the same plaintext).
    const bool sent = params_.rtx_ssrc != 0 && params_.rtx_payload_type != 0
                          ? send_rtx(cached, *epoch)
                          : send_copy(cached, *epoch, /*retransmission=*/true);
    if (sent) {
      ++counters_.retransmissions_sent;
    }
  }
}

void Consumer::on_key_frame_request(uint64_t now_ms) {
  ++key_frame_requests_;
  ++counters_.key_frame_requests_received;
  if (producer_ != nullptr && current_layer_ >= 0) {
    producer_->request_key_frame(static_cast<size_t>(current_layer_), now_ms);
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
  if (producer_ != nullptr && producer_->params().kind == MediaKind::kVideo &&
      current_layer_ >= 0) {
    producer_->request_key_frame(static_cast<size_t>(current_layer_), now_ms);
  }
}

void Consumer::set_preferred_layer(int layer, uint64_t now_ms) {
  params_.preferred_layer = layer;
  update_target_layer(now_ms);
}

void Consumer::set_bandwidth_layer_limit(int layer, uint64_t now_ms) {
  bandwidth_limit_ = layer;
  update_target_layer(now_ms);
}

void Consumer::update_target_layer(uint64_t now_ms) {
  if (!simulcast_ || producer_ == nullptr) {
    target_layer_ = 0;
    return;
  }
  const int highest = static_cast<int>(producer_->encoding_count()) - 1;
  int target = params_.preferred_layer < 0 ? highest : std::min(params_.preferred_layer, highest);
  if (bandwidth_limit_ >= 0) {
    target = std::min(target, bandwidth_limit_);
  }
  // Never aim at a layer the publisher is not sending; fall back to the best one below it.
  while (target > 0 && now_ms > 0 &&
         !producer_->encoding_active(static_cast<size_t>(target), now_ms)) {
    --target;
  }
  target = std::max(target, 0);
  if (target != target_layer_ || current_layer_ < 0) {
    target_layer_ = target;
    if (target_layer_ != current_layer_ && now_ms > 0) {
      producer_->request_key_frame(static_cast<size_t>(target_layer_), now_ms);
    }
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
  visit("current_layer", static_cast<uint64_t>(current_layer_ + 1));  // 0 = none
  visit("target_layer", static_cast<uint64_t>(target_layer_));
  visit("layer_switches", layer_switches_);
}

}  // namespace ringcast::rtc
