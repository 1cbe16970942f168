#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

// RTCP on the packet path: compound iteration with the RFC 3550 A.2 validity checks, parsers
// for the blocks an SFU acts on, and builders that write into a caller's buffer. Nothing here
// allocates: parsed lists are either views over the packet or bounded arrays.
namespace ringcast::rtc {

// Why an RTCP packet (or one block of it) was rejected. The names double as drop counter names
// (`rtcp_drop_<name>`), so keep them stable.
enum class RtcpError : uint8_t {
  kNone = 0,
  kTooShort,        // fewer than 4 bytes left for a common header
  kBadVersion,      // V != 2
  kLengthPastEnd,   // the length field runs past the datagram
  kBadPadding,      // P set with a zero count or a count larger than the block
  kPaddingNotLast,  // P set on a block that is not the last of the compound (A.2)
  kFirstNotReport,  // compound does not start with SR or RR (A.2; off for reduced size)
  kTruncated,       // block shorter than its type and counts require
  kBadSdes,         // SDES chunk without a terminating null item or running past the block
  kBadFeedback,     // transport-cc feedback with a reserved status or out-of-range bitrate
  kTooMany,         // more entries than the bounded output structure holds
  kWrongType,       // parser called on a block of another type or format
  kCount,           // number of reasons, for counter arrays
};

inline constexpr size_t kRtcpErrorCount = static_cast<size_t>(RtcpError::kCount);
const char* rtcp_error_name(RtcpError error);

// Packet types (RFC 3550 §12.1, RFC 4585 §6.1) and feedback formats.
inline constexpr uint8_t kRtcpSenderReport = 200;
inline constexpr uint8_t kRtcpReceiverReport = 201;
inline constexpr uint8_t kRtcpSdes = 202;
inline constexpr uint8_t kRtcpBye = 203;
inline constexpr uint8_t kRtcpApp = 204;
inline constexpr uint8_t kRtcpRtpfb = 205;
inline constexpr uint8_t kRtcpPsfb = 206;
inline constexpr uint8_t kRtcpXr = 207;

inline constexpr uint8_t kRtpfbNack = 1;          // RFC 4585 §6.2.1
inline constexpr uint8_t kRtpfbTransportCc = 15;  // draft-holmer-rmcat-transport-wide-cc-01 §3.1
inline constexpr uint8_t kPsfbPli = 1;            // RFC 4585 §6.3.1
inline constexpr uint8_t kPsfbFir = 4;            // RFC 5104 §4.3.1
inline constexpr uint8_t kPsfbAfb = 15;           // RFC 4585 §6.4; REMB lives here

inline constexpr size_t kRtcpHeaderSize = 4;
inline constexpr size_t kRtcpMaxCount = 31;  // the 5-bit RC/SC field

// One RTCP packet of a compound. `count` is the 5-bit RC/SC/FMT field; `body` follows the
// 4-byte common header and excludes padding; `packet` is the whole block as it sits on the wire.
struct RtcpBlock {
  uint8_t type = 0;
  uint8_t count = 0;
  std::span<const uint8_t> body;
  std::span<const uint8_t> packet;
};

// Iterates the blocks of a compound packet (RFC 3550 §6.4). Each step checks the version, that
// the length fits and the padding. next() returns false at the end or on the first bad block;
// error() tells which.
class RtcpCompoundReader {
 public:
  explicit RtcpCompoundReader(std::span<const uint8_t> datagram) : data_(datagram) {}

  bool next(RtcpBlock& out);
  RtcpError error() const { return error_; }

 private:
  std::span<const uint8_t> data_;
  size_t offset_ = 0;
  RtcpError error_ = RtcpError::kNone;
};

// Walks the whole compound once and applies the A.2 checks, so that a caller can drop the
// datagram as a unit before acting on any block. With `require_report_first` false, reduced-size
// RTCP (RFC 5506) such as a lone NACK or PLI is accepted.
RtcpError validate_rtcp_compound(std::span<const uint8_t> datagram, bool require_report_first);

// --- Sender and receiver reports (RFC 3550 §6.4.1, §6.4.2) ---

struct RtcpReportBlock {
  uint32_t ssrc = 0;
  uint8_t fraction_lost = 0;
  int32_t cumulative_lost = 0;  // signed 24 bits on the wire
  uint32_t extended_highest_seq = 0;
  uint32_t jitter = 0;
  uint32_t last_sr = 0;              // middle 32 bits of the NTP timestamp of the last SR
  uint32_t delay_since_last_sr = 0;  // units of 1/65536 s
};

inline constexpr size_t kRtcpReportBlockSize = 24;

// A view over the report blocks of an SR or RR; decoded on access.
struct RtcpReportBlocks {
  std::span<const uint8_t> bytes;
  uint8_t count = 0;

  RtcpReportBlock operator[](size_t index) const;  // index < count
};

struct RtcpSenderInfo {
  uint32_t ssrc = 0;
  uint64_t ntp_timestamp = 0;  // 32.32 fixed point seconds since 1900
  uint32_t rtp_timestamp = 0;
  uint32_t packet_count = 0;
  uint32_t octet_count = 0;
};

struct RtcpSenderReport {
  RtcpSenderInfo sender;
  RtcpReportBlocks blocks;
};

struct RtcpReceiverReport {
  uint32_t ssrc = 0;
  RtcpReportBlocks blocks;
};

RtcpError parse_sender_report(const RtcpBlock& block, RtcpSenderReport& out);
RtcpError parse_receiver_report(const RtcpBlock& block, RtcpReceiverReport& out);

// --- SDES (RFC 3550 §6.5) ---

inline constexpr uint8_t kSdesEnd = 0;
inline constexpr uint8_t kSdesCname = 1;

struct RtcpSdesChunk {
  uint32_t ssrc = 0;
  std::span<const uint8_t> cname;  // empty when the chunk has no CNAME item
};

// Yields the `count` chunks of an SDES block. Other items than CNAME are skipped.
class RtcpSdesReader {
 public:
  explicit RtcpSdesReader(const RtcpBlock& block);

  bool next(RtcpSdesChunk& out);
  RtcpError error() const { return error_; }

 private:
  std::span<const uint8_t> body_;
  size_t offset_ = 0;
  uint8_t remaining_ = 0;
  RtcpError error_ = RtcpError::kNone;
};

// --- BYE (RFC 3550 §6.6) ---

struct RtcpBye {
  uint8_t count = 0;
  std::span<const uint8_t> ssrc_bytes;
  std::span<const uint8_t> reason;  // empty when absent

  uint32_t ssrc(size_t index) const;  // index < count
};

RtcpError parse_bye(const RtcpBlock& block, RtcpBye& out);

// --- Transport layer feedback (RTPFB) ---

// Generic NACK (RFC 4585 §6.2.1), each PID+BLP pair expanded into sequence numbers. A NACK that
// names more than the array holds keeps the first ones and sets `truncated`.
inline constexpr size_t kMaxNackSequenceNumbers = 512;

struct RtcpNack {
  uint32_t sender_ssrc = 0;
  uint32_t media_ssrc = 0;
  uint16_t count = 0;
  bool truncated = false;
  std::array<uint16_t, kMaxNackSequenceNumbers> seqs;
};

RtcpError parse_nack(const RtcpBlock& block, RtcpNack& out);

// Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01
// §3.1). Only received packets are listed; every other sequence number in
// [base_seq, base_seq + status_count) was reported lost.
inline constexpr size_t kMaxTransportFeedbackPackets = 2048;
inline constexpr int64_t kTransportFeedbackDeltaUs = 250;
inline constexpr int64_t kTransportFeedbackReferenceUs = 64000;

struct TransportFeedbackPacket {
  uint16_t seq = 0;
  // Receive time in 250 µs ticks relative to the previous received packet, or to the reference
  // time for the first one. In 0..255 it is sent as a small (1-byte) delta, otherwise as a large
  // signed 2-byte delta.
  int16_t delta_ticks = 0;
};

struct RtcpTransportFeedback {
  uint32_t sender_ssrc = 0;
  uint32_t media_ssrc = 0;
  uint16_t base_seq = 0;
  uint16_t status_count = 0;
  int32_t reference_time = 0;  // signed 24 bits, multiples of 64 ms
  uint8_t fb_pkt_count = 0;
  uint16_t received_count = 0;
  std::array<TransportFeedbackPacket, kMaxTransportFeedbackPackets> received;
};

RtcpError parse_transport_feedback(const RtcpBlock& block, RtcpTransportFeedback& out);

// --- Payload-specific feedback (PSFB) ---

struct RtcpPli {
  uint32_t sender_ssrc = 0;
  uint32_t media_ssrc = 0;
};

RtcpError parse_pli(const RtcpBlock& block, RtcpPli& out);

struct RtcpFirEntry {
  uint32_t ssrc = 0;
  uint8_t seq_nr = 0;
};

struct RtcpFir {
  uint32_t sender_ssrc = 0;
  size_t count = 0;
  std::span<const uint8_t> entry_bytes;

  RtcpFirEntry entry(size_t index) const;  // index < count
};

RtcpError parse_fir(const RtcpBlock& block, RtcpFir& out);

// Receiver estimated max bitrate (draft-alvestrand-rmcat-remb-03 §2.2), an application layer
// feedback (PSFB FMT 15) whose FCI starts with "REMB". Any other AFB gives kWrongType.
struct RtcpRemb {
  uint32_t sender_ssrc = 0;
  uint64_t bitrate_bps = 0;
  uint8_t ssrc_count = 0;
  std::span<const uint8_t> ssrc_bytes;

  uint32_t ssrc(size_t index) const;  // index < ssrc_count
};

RtcpError parse_remb(const RtcpBlock& block, RtcpRemb& out);

// --- Builders ---
// Each writes one RTCP packet at the start of `out` and returns its length, or 0 when it does not
// fit or the input cannot be encoded. Build a compound by building into successive subspans.

size_t build_sender_report(std::span<uint8_t> out, const RtcpSenderInfo& sender,
                           std::span<const RtcpReportBlock> blocks);
size_t build_receiver_report(std::span<uint8_t> out, uint32_t sender_ssrc,
                             std::span<const RtcpReportBlock> blocks);
size_t build_sdes_cname(std::span<uint8_t> out, uint32_t ssrc, std::string_view cname);
size_t build_bye(std::span<uint8_t> out, std::span<const uint32_t> ssrcs);
// Packs the sequence numbers into PID+BLP pairs; ascending order (mod 2^16) packs tightest.
size_t build_nack(std::span<uint8_t> out, uint32_t sender_ssrc, uint32_t media_ssrc,
                  std::span<const uint16_t> seqs);
size_t build_pli(std::span<uint8_t> out, uint32_t sender_ssrc, uint32_t media_ssrc);
size_t build_fir(std::span<uint8_t> out, uint32_t sender_ssrc,
                 std::span<const RtcpFirEntry> entries);
size_t build_remb(std::span<uint8_t> out, uint32_t sender_ssrc, uint64_t bitrate_bps,
                  std::span<const uint32_t> ssrcs);
// `received` must be non-empty and strictly increasing from `base_seq` (mod 2^16); the status
// count ends at the last received packet. Like libwebrtc, the packet is padded to 32 bits with
// the RTCP padding bit, so it must be the last block of a compound (or sent alone).
size_t build_transport_feedback(std::span<uint8_t> out, uint32_t sender_ssrc, uint32_t media_ssrc,
                                uint16_t base_seq, int32_t reference_time, uint8_t fb_pkt_count,
                                std::span<const TransportFeedbackPacket> received);

}  // namespace ringcast::rtc
