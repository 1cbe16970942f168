#include "rtc/rtcp_packet.hpp"

#include "rtc/byte_io.hpp"

namespace ringcast::rtc {

namespace {

constexpr uint8_t kVersion = 2;
constexpr size_t kFeedbackHeaderSize = 8;  // sender SSRC + media source SSRC (RFC 4585 §6.1)
constexpr size_t kSenderInfoSize = 24;     // SSRC + NTP + RTP timestamp + counts

// Writes the common header; `length` is the whole packet in bytes, a multiple of 4.
void write_header(uint8_t* p, bool padding, uint8_t count, uint8_t type, size_t length) {
  p[0] = static_cast<uint8_t>((kVersion << 6) | (padding ? 0x20 : 0) | (count & 0x1F));
  p[1] = type;
  store_be16(p + 2, static_cast<uint16_t>(length / 4 - 1));
}

void write_report_block(uint8_t* p, const RtcpReportBlock& block) {
  store_be32(p, block.ssrc);
  p[4] = block.fraction_lost;
  store_be24(p + 5, static_cast<uint32_t>(block.cumulative_lost) & 0xFFFFFF);
  store_be32(p + 8, block.extended_highest_seq);
  store_be32(p + 12, block.jitter);
  store_be32(p + 16, block.last_sr);
  store_be32(p + 20, block.delay_since_last_sr);
}

int32_t sign_extend24(uint32_t v) { return static_cast<int32_t>(v << 8) >> 8; }

}  // namespace

const char* rtcp_error_name(RtcpError error) {
  switch (error) {
    case RtcpError::kNone:
      return "none";
    case RtcpError::kTooShort:
      return "too_short";
    case RtcpError::kBadVersion:
      return "bad_version";
    case RtcpError::kLengthPastEnd:
      return "length_past_end";
    case RtcpError::kBadPadding:
      return "bad_padding";
    case RtcpError::kPaddingNotLast:
      return "padding_not_last";
    case RtcpError::kFirstNotReport:
      return "first_not_report";
    case RtcpError::kTruncated:
      return "truncated";
    case RtcpError::kBadSdes:
      return "bad_sdes";
    case RtcpError::kBadFeedback:
      return "bad_feedback";
    case RtcpError::kTooMany:
      return "too_many";
    case RtcpError::kWrongType:
      return "wrong_type";
    case RtcpError::kCount:
      break;
  }
  return "unknown";
}

bool RtcpCompoundReader::next(RtcpBlock& out) {
  if (error_ != RtcpError::kNone || offset_ == data_.size()) {
    return false;
  }
  const size_t remaining = data_.size() - offset_;
  const uint8_t* p = data_.data() + offset_;
  if (remaining < kRtcpHeaderSize) {
    error_ = RtcpError::kTooShort;
    return false;
  }
  if ((p[0] >> 6) != kVersion) {
    error_ = RtcpError::kBadVersion;
    return false;
  }
  const size_t length = (static_cast<size_t>(load_be16(p + 2)) + 1) * 4;
  if (length > remaining) {
    error_ = RtcpError::kLengthPastEnd;
    return false;
  }
  size_t padding = 0;
  if ((p[0] & 0x20) != 0) {
    // RFC 3550 §6.4.1 and A.2: only the last packet of a compound may be padded, and the count
    // (its last octet, itself included) must stay inside the packet's body.
    if (length != remaining) {
      error_ = RtcpError::kPaddingNotLast;
      return false;
    }
    padding = p[length - 1];
    if (padding == 0 || padding > length - kRtcpHeaderSize) {
      error_ = RtcpError::kBadPadding;
      return false;
    }
  }
  out.count = p[0] & 0x1F;
  out.type = p[1];
  out.packet = data_.subspan(offset_, length);
  out.body = data_.subspan(offset_ + kRtcpHeaderSize, length - kRtcpHeaderSize - padding);
  offset_ += length;
  return true;
}

RtcpError validate_rtcp_compound(std::span<const uint8_t> datagram, bool require_report_first) {
  RtcpCompoundReader reader(datagram);
  RtcpBlock block;
  bool first = true;
  while (reader.next(block)) {
    if (first && require_report_first && block.type != kRtcpSenderReport &&
        block.type != kRtcpReceiverReport) {
      return RtcpError::kFirstNotReport;
    }
    first = false;
  }
  if (reader.error() != RtcpError::kNone) {
    return reader.error();
  }
  if (first) {
    return RtcpError::kTooShort;  // empty datagram
  }
  return RtcpError::kNone;
}

// --- Reports ---

RtcpReportBlock RtcpReportBlocks::operator[](size_t index) const {
  const uint8_t* p = bytes.data() + index * kRtcpReportBlockSize;
  RtcpReportBlock block;
  block.ssrc = load_be32(p);
  block.fraction_lost = p[4];
  block.cumulative_lost = sign_extend24(load_be24(p + 5));
  block.extended_highest_seq = load_be32(p + 8);
  block.jitter = load_be32(p + 12);
  block.last_sr = load_be32(p + 16);
  block.delay_since_last_sr = load_be32(p + 20);
  return block;
}

RtcpError parse_sender_report(const RtcpBlock& block, RtcpSenderReport& out) {
  if (block.type != kRtcpSenderReport) {
    return RtcpError::kWrongType;
  }
  const size_t blocks_size = block.count * kRtcpReportBlockSize;
  if (block.body.size() < kSenderInfoSize + blocks_size) {
    return RtcpError::kTruncated;
  }
  const uint8_t* p = block.body.data();
  out.sender.ssrc = load_be32(p);
  out.sender.ntp_timestamp = load_be64(p + 4);
  out.sender.rtp_timestamp = load_be32(p + 12);
  out.sender.packet_count = load_be32(p + 16);
  out.sender.octet_count = load_be32(p + 20);
  // Profile-specific extensions after the report blocks (§6.4.1) are ignored.
  out.blocks.bytes = block.body.subspan(kSenderInfoSize, blocks_size);
  out.blocks.count = block.count;
  return RtcpError::kNone;
}

RtcpError parse_receiver_report(const RtcpBlock& block, RtcpReceiverReport& out) {
  if (block.type != kRtcpReceiverReport) {
    return RtcpError::kWrongType;
  }
  const size_t blocks_size = block.count * kRtcpReportBlockSize;
  if (block.body.size() < 4 + blocks_size) {
    return RtcpError::kTruncated;
  }
  out.ssrc = load_be32(block.body.data());
  out.blocks.bytes = block.body.subspan(4, blocks_size);
  out.blocks.count = block.count;
  return RtcpError::kNone;
}

// --- SDES ---

RtcpSdesReader::RtcpSdesReader(const RtcpBlock& block) {
  if (block.type != kRtcpSdes) {
    error_ = RtcpError::kWrongType;
    return;
  }
  body_ = block.body;
  remaining_ = block.count;
}

bool RtcpSdesReader::next(RtcpSdesChunk& out) {
  if (error_ != RtcpError::kNone || remaining_ == 0) {
    return false;
  }
  const size_t size = body_.size();
  const uint8_t* p = body_.data();
  size_t offset = offset_;
  if (size - offset < 4) {
    error_ = RtcpError::kBadSdes;
    return false;
  }
  out.ssrc = load_be32(p + offset);
  out.cname = {};
  offset += 4;
  // §6.5: items until a null octet, then null octets to the next 32-bit boundary.
  for (;;) {
    if (offset >= size) {
      error_ = RtcpError::kBadSdes;
      return false;
    }
    const uint8_t type = p[offset];
    if (type == kSdesEnd) {
      offset = (offset + 4) & ~static_cast<size_t>(3);
      if (offset > size) {
        error_ = RtcpError::kBadSdes;
        return false;
      }
      break;
    }
    if (size - offset < 2 || p[offset + 1] > size - offset - 2) {
      error_ = RtcpError::kBadSdes;
      return false;
    }
    const size_t length = p[offset + 1];
    if (type == kSdesCname && out.cname.empty()) {
      out.cname = body_.subspan(offset + 2, length);
    }
    offset += 2 + length;
  }
  offset_ = offset;
  --remaining_;
  return true;
}

// --- BYE ---

uint32_t RtcpBye::ssrc(size_t index) const { return load_be32(ssrc_bytes.data() + 4 * index); }

RtcpError parse_bye(const RtcpBlock& block, RtcpBye& out) {
  if (block.type != kRtcpBye) {
    return RtcpError::kWrongType;
  }
  const size_t ssrcs_size = 4u * block.count;
  if (block.body.size() < ssrcs_size) {
    return RtcpError::kTruncated;
  }
  out.count = block.count;
  out.ssrc_bytes = block.body.subspan(0, ssrcs_size);
  out.reason = {};
  const size_t rest = block.body.size() - ssrcs_size;
  if (rest > 0) {
    const size_t length = block.body[ssrcs_size];
    if (length > rest - 1) {
      return RtcpError::kTruncated;
    }
    out.reason = block.body.subspan(ssrcs_size + 1, length);
  }
  return RtcpError::kNone;
}

// --- NACK ---

RtcpError parse_nack(const RtcpBlock& block, RtcpNack& out) {
  if (block.type != kRtcpRtpfb || block.count != kRtpfbNack) {
    return RtcpError::kWrongType;
  }
  const size_t size = block.body.size();
  // §6.2.1: at least one PID+BLP pair.
  if (size < kFeedbackHeaderSize + 4 || (size - kFeedbackHeaderSize) % 4 != 0) {
    return RtcpError::kTruncated;
  }
  const uint8_t* p = block.body.data();
  out.sender_ssrc = load_be32(p);
  out.media_ssrc = load_be32(p + 4);
  out.count = 0;
  out.truncated = false;
  size_t count = 0;
  for (size_t offset = kFeedbackHeaderSize; offset < size; offset += 4) {
    const uint16_t pid = load_be16(p + offset);
    uint16_t blp = load_be16(p + offset + 2);
    if (count == kMaxNackSequenceNumbers) {
      out.truncated = true;
      break;
    }
    out.seqs[count++] = pid;
    for (uint16_t bit = 1; blp != 0; ++bit, blp >>= 1) {
      if ((blp & 1) == 0) {
        continue;
      }
      if (count == kMaxNackSequenceNumbers) {
        out.truncated = true;
        break;
      }
      out.seqs[count++] = static_cast<uint16_t>(pid + bit);
    }
  }
  out.count = static_cast<uint16_t>(count);
  return RtcpError::kNone;
}

// --- Transport-wide CC feedback ---

namespace {

// One packet status chunk (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1.3, §3.1.4).
struct StatusChunk {
  uint16_t raw;

  bool run_length() const { return (raw & 0x8000) == 0; }
  // Statuses this chunk describes: the run length, or 14 one-bit / 7 two-bit symbols.
  uint32_t symbols() const {
    if (run_length()) {
      return raw & 0x1FFF;
    }
    return (raw & 0x4000) != 0 ? 7 : 14;
  }
  uint8_t symbol(uint32_t index) const {
    if (run_length()) {
      return (raw >> 13) & 0x3;
    }
    if ((raw & 0x4000) != 0) {
      return (raw >> (12 - 2 * index)) & 0x3;
    }
    return (raw >> (13 - index)) & 0x1;
  }
};

constexpr uint8_t kStatusNotReceived = 0;
constexpr uint8_t kStatusSmallDelta = 1;
constexpr uint8_t kStatusLargeDelta = 2;

}  // namespace

RtcpError parse_transport_feedback(const RtcpBlock& block, RtcpTransportFeedback& out) {
  if (block.type != kRtcpRtpfb || block.count != kRtpfbTransportCc) {
    return RtcpError::kWrongType;
  }
  const size_t size = block.body.size();
  const uint8_t* p = block.body.data();
  if (size < kFeedbackHeaderSize + 8) {
    return RtcpError::kTruncated;
  }
  out.sender_ssrc = load_be32(p);
  out.media_ssrc = load_be32(p + 4);
  out.base_seq = load_be16(p + 8);
  out.status_count = load_be16(p + 10);
  out.reference_time = sign_extend24(load_be24(p + 12));
  out.fb_pkt_count = p[15];
  out.received_count = 0;
  const size_t chunks_offset = kFeedbackHeaderSize + 8;

  // First pass: find where the chunks end (the deltas follow them).
  size_t offset = chunks_offset;
  uint32_t covered = 0;
  while (covered < out.status_count) {
    if (size - offset < 2) {
      return RtcpError::kTruncated;
    }
    covered += StatusChunk{load_be16(p + offset)}.symbols();
    offset += 2;
  }
  size_t delta_offset = offset;

  // Second pass: walk the statuses in order, consuming one delta per received packet.
  uint32_t index = 0;
  for (offset = chunks_offset; index < out.status_count; offset += 2) {
    const StatusChunk chunk{load_be16(p + offset)};
    const uint32_t symbols = chunk.symbols();
    if (chunk.run_length() && chunk.symbol(0) == kStatusNotReceived) {
      index += symbols;
      continue;
    }
    for (uint32_t i = 0; i < symbols && index < out.status_count; ++i, ++index) {
      const uint8_t status = chunk.symbol(i);
      if (status == kStatusNotReceived) {
        continue;
      }
      if (out.received_count == kMaxTransportFeedbackPackets) {
        return RtcpError::kTooMany;
      }
      TransportFeedbackPacket& packet = out.received[out.received_count];
      packet.seq = static_cast<uint16_t>(out.base_seq + index);
      if (status == kStatusSmallDelta) {
        if (size - delta_offset < 1) {
          return RtcpError::kTruncated;
        }
        packet.delta_ticks = p[delta_offset];
        delta_offset += 1;
      } else if (status == kStatusLargeDelta) {
        if (size - delta_offset < 2) {
          return RtcpError::kTruncated;
        }
        packet.delta_ticks = static_cast<int16_t>(load_be16(p + delta_offset));
        delta_offset += 2;
      } else {
        return RtcpError::kBadFeedback;  // status 3 is reserved
      }
      ++out.received_count;
    }
  }
  return RtcpError::kNone;
}

// --- PLI, FIR, REMB ---

RtcpError parse_pli(const RtcpBlock& block, RtcpPli& out) {
  if (block.type != kRtcpPsfb || block.count != kPsfbPli) {
    return RtcpError::kWrongType;
  }
  if (block.body.size() < kFeedbackHeaderSize) {
    return RtcpError::kTruncated;
  }
  out.sender_ssrc = load_be32(block.body.data());
  out.media_ssrc = load_be32(block.body.data() + 4);
  return RtcpError::kNone;
}

RtcpFirEntry RtcpFir::entry(size_t index) const {
  const uint8_t* p = entry_bytes.data() + 8 * index;
  return RtcpFirEntry{load_be32(p), p[4]};
}

RtcpError parse_fir(const RtcpBlock& block, RtcpFir& out) {
  if (block.type != kRtcpPsfb || block.count != kPsfbFir) {
    return RtcpError::kWrongType;
  }
  const size_t size = block.body.size();
  // RFC 5104 §4.3.1.2: one or more 8-byte FCI entries; the media source SSRC is unused.
  if (size < kFeedbackHeaderSize + 8) {
    return RtcpError::kTruncated;
  }
  out.sender_ssrc = load_be32(block.body.data());
  out.count = (size - kFeedbackHeaderSize) / 8;
  out.entry_bytes = block.body.subspan(kFeedbackHeaderSize, out.count * 8);
  return RtcpError::kNone;
}

uint32_t RtcpRemb::ssrc(size_t index) const { return load_be32(ssrc_bytes.data() + 4 * index); }

RtcpError parse_remb(const RtcpBlock& block, RtcpRemb& out) {
  if (block.type != kRtcpPsfb || block.count != kPsfbAfb) {
    return RtcpError::kWrongType;
  }
  const size_t size = block.body.size();
  const uint8_t* p = block.body.data();
  if (size < kFeedbackHeaderSize + 8) {
    return RtcpError::kTruncated;
  }
  const uint8_t* fci = p + kFeedbackHeaderSize;
  if (fci[0] != 'R' || fci[1] != 'E' || fci[2] != 'M' || fci[3] != 'B') {
    return RtcpError::kWrongType;
  }
  const uint8_t ssrc_count = fci[4];
  if (size - kFeedbackHeaderSize - 8 < 4u * ssrc_count) {
    return RtcpError::kTruncated;
  }
  // 6-bit exponent, 18-bit mantissa; reject what does not fit 64 bits.
  const uint32_t exponent = fci[5] >> 2;
  const uint64_t mantissa = (static_cast<uint64_t>(fci[5] & 0x03) << 16) | load_be16(fci + 6);
  const uint64_t bitrate = mantissa << exponent;
  if ((bitrate >> exponent) != mantissa) {
    return RtcpError::kBadFeedback;
  }
  out.sender_ssrc = load_be32(p);
  out.bitrate_bps = bitrate;
  out.ssrc_count = ssrc_count;
  out.ssrc_bytes = block.body.subspan(kFeedbackHeaderSize + 8, 4u * ssrc_count);
  return RtcpError::kNone;
}

// --- Builders ---

size_t build_sender_report(std::span<uint8_t> out, const RtcpSenderInfo& sender,
                           std::span<const RtcpReportBlock> blocks) {
  if (blocks.size() > kRtcpMaxCount) {
    return 0;
  }
  const size_t length = kRtcpHeaderSize + kSenderInfoSize + blocks.size() * kRtcpReportBlockSize;
  if (out.size() < length) {
    return 0;
  }
  uint8_t* p = out.data();
  write_header(p, false, static_cast<uint8_t>(blocks.size()), kRtcpSenderReport, length);
  store_be32(p + 4, sender.ssrc);
  store_be64(p + 8, sender.ntp_timestamp);
  store_be32(p + 16, sender.rtp_timestamp);
  store_be32(p + 20, sender.packet_count);
  store_be32(p + 24, sender.octet_count);
  for (size_t i = 0; i < blocks.size(); ++i) {
    write_report_block(p + 28 + i * kRtcpReportBlockSize, blocks[i]);
  }
  return length;
}

size_t build_receiver_report(std::span<uint8_t> out, uint32_t sender_ssrc,
                             std::span<const RtcpReportBlock> blocks) {
  if (blocks.size() > kRtcpMaxCount) {
    return 0;
  }
  const size_t length = kRtcpHeaderSize + 4 + blocks.size() * kRtcpReportBlockSize;
  if (out.size() < length) {
    return 0;
  }
  uint8_t* p = out.data();
  write_header(p, false, static_cast<uint8_t>(blocks.size()), kRtcpReceiverReport, length);
  store_be32(p + 4, sender_ssrc);
  for (size_t i = 0; i < blocks.size(); ++i) {
    write_report_block(p + 8 + i * kRtcpReportBlockSize, blocks[i]);
  }
  return length;
}

size_t build_sdes_cname(std::span<uint8_t> out, uint32_t ssrc, std::string_view cname) {
  if (cname.size() > 255) {
    return 0;
  }
  // SSRC, CNAME item, then at least one null octet, padded to 32 bits (§6.5).
  const size_t chunk = (4 + 2 + cname.size() + 1 + 3) & ~static_cast<size_t>(3);
  const size_t length = kRtcpHeaderSize + chunk;
  if (out.size() < length) {
    return 0;
  }
  uint8_t* p = out.data();
  write_header(p, false, 1, kRtcpSdes, length);
  store_be32(p + 4, ssrc);
  p[8] = kSdesCname;
  p[9] = static_cast<uint8_t>(cname.size());
  for (size_t i = 0; i < cname.size(); ++i) {
    p[10 + i] = static_cast<uint8_t>(cname[i]);
  }
  for (size_t i = 10 + cname.size(); i < length; ++i) {
    p[i] = 0;
  }
  return length;
}

size_t build_bye(std::span<uint8_t> out, std::span<const uint32_t> ssrcs) {
  if (ssrcs.size() > kRtcpMaxCount) {
    return 0;
  }
  const size_t length = kRtcpHeaderSize + 4 * ssrcs.size();
  if (out.size() < length) {
    return 0;
  }
  uint8_t* p = out.data();
  write_header(p, false, static_cast<uint8_t>(ssrcs.size()), kRtcpBye, length);
  for (size_t i = 0; i < ssrcs.size(); ++i) {
    store_be32(p + 4 + 4 * i, ssrcs[i]);
  }
  return length;
}

size_t build_nack(std::span<uint8_t> out, uint32_t sender_ssrc, uint32_t media_ssrc,
                  std::span<const uint16_t> seqs) {
  if (seqs.empty()) {
    return 0;
  }
  const size_t capacity = out.size();
  uint8_t* p = out.data();
  if (capacity < kRtcpHeaderSize + kFeedbackHeaderSize + 4) {
    return 0;
  }
  size_t length = kRtcpHeaderSize + kFeedbackHeaderSize;
  uint16_t pid = 0;
  uint16_t blp = 0;
  bool open = false;
  for (const uint16_t seq : seqs) {
    const uint16_t distance = static_cast<uint16_t>(seq - pid);
    if (open && distance == 0) {
      continue;
    }
    if (open && distance <= 16) {
      blp = static_cast<uint16_t>(blp | (1u << (distance - 1)));
      continue;
    }
    if (open) {
      if (capacity - length < 4) {
        return 0;
      }
      store_be16(p + length, pid);
      store_be16(p + length + 2, blp);
      length += 4;
    }
    pid = seq;
    blp = 0;
    open = true;
  }
  if (capacity - length < 4) {
    return 0;
  }
  store_be16(p + length, pid);
  store_be16(p + length + 2, blp);
  length += 4;
  if (length / 4 - 1 > 0xFFFF) {
    return 0;
  }
  write_header(p, false, kRtpfbNack, kRtcpRtpfb, length);
  store_be32(p + 4, sender_ssrc);
  store_be32(p + 8, media_ssrc);
  return length;
}

size_t build_pli(std::span<uint8_t> out, uint32_t sender_ssrc, uint32_t media_ssrc) {
  const size_t length = kRtcpHeaderSize + kFeedbackHeaderSize;
  if (out.size() < length) {
    return 0;
  }
  uint8_t* p = out.data();
  write_header(p, false, kPsfbPli, kRtcpPsfb, length);
  store_be32(p + 4, sender_ssrc);
  store_be32(p + 8, media_ssrc);
  return length;
}

size_t build_fir(std::span<uint8_t> out, uint32_t sender_ssrc,
                 std::span<const RtcpFirEntry> entries) {
  if (entries.empty() || entries.size() > 0x3FFF) {
    return 0;
  }
  const size_t length = kRtcpHeaderSize + kFeedbackHeaderSize + 8 * entries.size();
  if (out.size() < length) {
    return 0;
  }
  uint8_t* p = out.data();
  write_header(p, false, kPsfbFir, kRtcpPsfb, length);
  store_be32(p + 4, sender_ssrc);
  store_be32(p + 8, 0);  // RFC 5104 §4.3.1.2: media source SSRC is not used
  for (size_t i = 0; i < entries.size(); ++i) {
    uint8_t* entry = p + 12 + 8 * i;
    store_be32(entry, entries[i].ssrc);
    entry[4] = entries[i].seq_nr;
    entry[5] = 0;
    entry[6] = 0;
    entry[7] = 0;
  }
  return length;
}

size_t build_remb(std::span<uint8_t> out, uint32_t sender_ssrc, uint64_t bitrate_bps,
                  std::span<const uint32_t> ssrcs) {
  if (ssrcs.size() > 255) {
    return 0;
  }
  const size_t length = kRtcpHeaderSize + kFeedbackHeaderSize + 8 + 4 * ssrcs.size();
  if (out.size() < length) {
    return 0;
  }
  uint32_t exponent = 0;
  while ((bitrate_bps >> exponent) > 0x3FFFF) {
    ++exponent;
  }
  const uint32_t mantissa = static_cast<uint32_t>(bitrate_bps >> exponent);
  uint8_t* p = out.data();
  write_header(p, false, kPsfbAfb, kRtcpPsfb, length);
  store_be32(p + 4, sender_ssrc);
  store_be32(p + 8, 0);  // draft-alvestrand-rmcat-remb §2.2: media source SSRC is 0
  p[12] = 'R';
  p[13] = 'E';
  p[14] = 'M';
  p[15] = 'B';
  p[16] = static_cast<uint8_t>(ssrcs.size());
  p[17] = static_cast<uint8_t>((exponent << 2) | (mantissa >> 16));
  store_be16(p + 18, static_cast<uint16_t>(mantissa));
  for (size_t i = 0; i < ssrcs.size(); ++i) {
    store_be32(p + 20 + 4 * i, ssrcs[i]);
  }
  return length;
}

namespace {

uint8_t feedback_symbol(const TransportFeedbackPacket& packet) {
  return packet.delta_ticks >= 0 && packet.delta_ticks <= 255 ? kStatusSmallDelta
                                                              : kStatusLargeDelta;
}

// Status of every sequence number from base_seq, looked up with a forward-only cursor into the
// received list (which the builder checked to be strictly increasing).
class StatusCursor {
 public:
  StatusCursor(std::span<const TransportFeedbackPacket> received, uint16_t base_seq)
      : received_(received), base_seq_(base_seq) {}

  uint32_t offset_of(size_t k) const { return static_cast<uint16_t>(received_[k].seq - base_seq_); }

  // Moves the cursor to the first received packet at or after `index`.
  void seek(uint32_t index) {
    while (next_ < received_.size() && offset_of(next_) < index) {
      ++next_;
    }
  }

  // Symbol at `index` (>= the last seek), without moving the cursor.
  uint8_t symbol(uint32_t index) const {
    size_t k = next_;
    while (k < received_.size() && offset_of(k) < index) {
      ++k;
    }
    if (k < received_.size() && offset_of(k) == index) {
      return feedback_symbol(received_[k]);
    }
    return kStatusNotReceived;
  }

  // How many statuses from `index` equal symbol(index), up to `limit`. Call seek(index) first.
  uint32_t run(uint32_t index, uint32_t limit) const {
    const size_t size = received_.size();
    size_t k = next_;
    if (k >= size || offset_of(k) != index) {
      const uint32_t gap = k < size ? offset_of(k) - index : limit;
      return gap < limit ? gap : limit;
    }
    const uint8_t first = feedback_symbol(received_[k]);
    uint32_t length = 1;
    while (length < limit && k + length < size && offset_of(k + length) == index + length &&
           feedback_symbol(received_[k + length]) == first) {
      ++length;
    }
    return length;
  }

 private:
  std::span<const TransportFeedbackPacket> received_;
  uint16_t base_seq_;
  size_t next_ = 0;
};

}  // namespace

size_t build_transport_feedback(std::span<uint8_t> out, uint32_t sender_ssrc, uint32_t media_ssrc,
                                uint16_t base_seq, int32_t reference_time, uint8_t fb_pkt_count,
                                std::span<const TransportFeedbackPacket> received) {
  if (received.empty()) {
    return 0;
  }
  uint32_t previous = 0;
  for (size_t k = 0; k < received.size(); ++k) {
    const uint32_t offset = static_cast<uint16_t>(received[k].seq - base_seq);
    if (k > 0 && offset <= previous) {
      return 0;
    }
    previous = offset;
  }
  const uint32_t status_count = previous + 1;
  if (status_count > 0xFFFF) {
    return 0;
  }
  const size_t capacity = out.size();
  uint8_t* p = out.data();
  size_t length = kRtcpHeaderSize + kFeedbackHeaderSize + 8;
  if (capacity < length) {
    return 0;
  }
  store_be32(p + 4, sender_ssrc);
  store_be32(p + 8, media_ssrc);
  store_be16(p + 12, base_seq);
  store_be16(p + 14, static_cast<uint16_t>(status_count));
  store_be24(p + 16, static_cast<uint32_t>(reference_time) & 0xFFFFFF);
  p[19] = fb_pkt_count;

  // Chunks: a run-length chunk for long runs, else a one-bit vector when the next 14 statuses
  // need no large delta, else a two-bit vector of 7 (§3.1.3, §3.1.4).
  StatusCursor cursor(received, base_seq);
  uint32_t index = 0;
  while (index < status_count) {
    if (capacity - length < 2) {
      return 0;
    }
    cursor.seek(index);
    const uint32_t remaining = status_count - index;
    const uint32_t run = cursor.run(index, remaining < 0x1FFF ? remaining : 0x1FFF);
    const uint32_t span14 = remaining < 14 ? remaining : 14;
    bool one_bit = true;
    for (uint32_t i = 0; i < span14 && one_bit; ++i) {
      one_bit = cursor.symbol(index + i) != kStatusLargeDelta;
    }
    uint16_t chunk = 0;
    uint32_t covered = 0;
    // A run that ends the list is sent as a run too, as libwebrtc does, so that identical input
    // gives identical bytes.
    if (run >= 14 || run == remaining || (run >= 7 && !one_bit)) {
      chunk = static_cast<uint16_t>((cursor.symbol(index) << 13) | run);
      covered = run;
    } else if (one_bit) {
      chunk = 0x8000;
      for (uint32_t i = 0; i < span14; ++i) {
        chunk = static_cast<uint16_t>(chunk | (cursor.symbol(index + i) << (13 - i)));
      }
      covered = span14;
    } else {
      const uint32_t span7 = remaining < 7 ? remaining : 7;
      chunk = 0xC000;
      for (uint32_t i = 0; i < span7; ++i) {
        chunk = static_cast<uint16_t>(chunk | (cursor.symbol(index + i) << (12 - 2 * i)));
      }
      covered = span7;
    }
    store_be16(p + length, chunk);
    length += 2;
    index += covered;
  }

  for (const TransportFeedbackPacket& packet : received) {
    if (feedback_symbol(packet) == kStatusSmallDelta) {
      if (capacity - length < 1) {
        return 0;
      }
      p[length++] = static_cast<uint8_t>(packet.delta_ticks);
    } else {
      if (capacity - length < 2) {
        return 0;
      }
      store_be16(p + length, static_cast<uint16_t>(packet.delta_ticks));
      length += 2;
    }
  }

  const size_t padding = (4 - length % 4) % 4;
  if (capacity - length < padding || (length + padding) / 4 - 1 > 0xFFFF) {
    return 0;
  }
  for (size_t i = 0; i < padding; ++i) {
    p[length + i] = 0;
  }
  if (padding > 0) {
    p[length + padding - 1] = static_cast<uint8_t>(padding);
  }
  length += padding;
  write_header(p, padding > 0, kRtpfbTransportCc, kRtcpRtpfb, length);
  return length;
}

}  // namespace ringcast::rtc
