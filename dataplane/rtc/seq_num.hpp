#pragma once

#include <cstdint>

// 16-bit RTP sequence number arithmetic and the receiver-side statistics of RFC 3550 Appendix
// A.1 (sequence validation), A.3 (loss) and A.8 (interarrival jitter) that receiver reports carry.
namespace ringcast::rtc {

// Signed distance from `b` to `a` on the 16-bit circle: positive when `a` is ahead.
constexpr int32_t seq_delta(uint16_t a, uint16_t b) {
  return static_cast<int16_t>(static_cast<uint16_t>(a - b));
}

// True when `a` comes after `b`, allowing for wrap-around. Exactly half a circle apart is
// ambiguous; break the tie by value so that the relation stays antisymmetric.
constexpr bool seq_newer(uint16_t a, uint16_t b) {
  const uint16_t diff = static_cast<uint16_t>(a - b);
  if (diff == 0x8000) {
    return a > b;
  }
  return diff != 0 && diff < 0x8000;
}

constexpr uint16_t seq_latest(uint16_t a, uint16_t b) { return seq_newer(a, b) ? a : b; }

// What SequenceTracker::update made of one packet. kProbation and kJump mean the packet is not
// (yet) valid by A.1 and should not be forwarded as media of this source.
enum class SeqUpdate : uint8_t {
  kInOrder,    // the new highest sequence number (possibly after a gap or a wrap)
  kReordered,  // older than the highest: late or duplicate, still counted as received (A.1)
  kProbation,  // a new source still proving itself (MIN_SEQUENTIAL)
  kJump,       // a jump past MAX_DROPOUT; rejected unless the next packet follows it
  kRestart,    // the source restarted its numbering (two packets followed the jump)
};

class SequenceTracker {
 public:
  // RFC 3550 A.1 constants.
  static constexpr uint32_t kMaxDropout = 3000;
  static constexpr uint32_t kMaxMisorder = 100;
  static constexpr uint32_t kMinSequential = 2;
  static constexpr uint32_t kSeqMod = 1u << 16;

  // An SFU that has already authenticated the packet with SRTP may pass 0: the first packet
  // then starts the statistics without probation.
  explicit SequenceTracker(uint32_t min_sequential = kMinSequential)
      : min_sequential_(min_sequential) {}

  SeqUpdate update(uint16_t seq) {
    if (!started_) {
      started_ = true;
      init(seq);
      if (min_sequential_ == 0) {
        received_ = 1;
        return SeqUpdate::kInOrder;
      }
      max_seq_ = static_cast<uint16_t>(seq - 1);
      probation_ = min_sequential_;
    }
    const uint16_t udelta = static_cast<uint16_t>(seq - max_seq_);
    if (probation_ != 0) {
      if (seq == static_cast<uint16_t>(max_seq_ + 1)) {
        --probation_;
        max_seq_ = seq;
        if (probation_ == 0) {
          init(seq);
          received_ = 1;
          return SeqUpdate::kInOrder;
        }
      } else {
        probation_ = min_sequential_ - 1;
        max_seq_ = seq;
      }
      return SeqUpdate::kProbation;
    }
    SeqUpdate result = SeqUpdate::kInOrder;
    if (udelta == 0) {
      result = SeqUpdate::kReordered;  // duplicate of the highest
    } else if (udelta < kMaxDropout) {
      if (seq < max_seq_) {
        cycles_ += kSeqMod;
      }
      max_seq_ = seq;
    } else if (udelta <= kSeqMod - kMaxMisorder) {
      if (seq != bad_seq_) {
        bad_seq_ = (seq + 1u) & (kSeqMod - 1);
        return SeqUpdate::kJump;
      }
      // Two sequential packets after a jump: assume the other side restarted (A.1).
      init(seq);
      result = SeqUpdate::kRestart;
    } else {
      result = SeqUpdate::kReordered;
    }
    ++received_;
    return result;
  }

  // RFC 3550 A.8. `arrival` is the arrival time in the stream's RTP clock units; call it for
  // packets that are not retransmissions so that repair delay does not read as jitter.
  void update_jitter(uint32_t rtp_timestamp, uint32_t arrival) {
    const int32_t transit = static_cast<int32_t>(arrival - rtp_timestamp);
    if (!has_transit_) {
      has_transit_ = true;
      transit_ = transit;
      return;
    }
    // Transit times wrap with the 32-bit timestamp; their difference is meaningful mod 2^32.
    int64_t d =
        static_cast<int32_t>(static_cast<uint32_t>(transit) - static_cast<uint32_t>(transit_));
    transit_ = transit;
    if (d < 0) {
      d = -d;
    }
    // Integer form from A.8: jitter is kept scaled by 16, J += (|D| - J) / 16.
    jitter_q4_ += static_cast<uint64_t>(d) - ((jitter_q4_ + 8) >> 4);
  }

  bool started() const { return started_ && probation_ == 0; }
  uint16_t max_seq() const { return max_seq_; }
  uint16_t base_seq() const { return base_seq_; }
  uint32_t extended_highest() const { return cycles_ + max_seq_; }
  uint32_t received() const { return received_; }
  uint32_t expected() const { return extended_highest() - base_seq_ + 1; }

  // A.3: cumulative number lost, clamped to the report block's signed 24-bit field. Duplicates
  // can make it negative.
  int32_t cumulative_lost() const {
    const int64_t lost = static_cast<int64_t>(expected()) - received_;
    if (lost > 0x7FFFFF) {
      return 0x7FFFFF;
    }
    if (lost < -0x800000) {
      return -0x800000;
    }
    return static_cast<int32_t>(lost);
  }

  // A.3: fraction lost since the previous call, as an 8-bit fixed point number. Call it once per
  // receiver report, since it advances the interval.
  uint8_t take_fraction_lost() {
    const uint32_t expected_now = expected();
    const uint32_t expected_interval = expected_now - expected_prior_;
    const uint32_t received_interval = received_ - received_prior_;
    expected_prior_ = expected_now;
    received_prior_ = received_;
    const int64_t lost_interval =
        static_cast<int64_t>(expected_interval) - static_cast<int64_t>(received_interval);
    if (expected_interval == 0 || lost_interval <= 0) {
      return 0;
    }
    return static_cast<uint8_t>((lost_interval << 8) / expected_interval);
  }

  // Interarrival jitter in RTP timestamp units, as the report block carries it.
  uint32_t jitter() const {
    const uint64_t jitter = jitter_q4_ >> 4;
    return jitter > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(jitter);
  }

 private:
  void init(uint16_t seq) {
    base_seq_ = seq;
    max_seq_ = seq;
    bad_seq_ = kSeqMod + 1;  // so that seq == bad_seq_ is false
    cycles_ = 0;
    received_ = 0;
    received_prior_ = 0;
    expected_prior_ = 0;
  }

  uint32_t min_sequential_;
  bool started_ = false;
  uint16_t max_seq_ = 0;
  uint16_t base_seq_ = 0;
  uint32_t cycles_ = 0;
  uint32_t bad_seq_ = kSeqMod + 1;
  uint32_t probation_ = 0;
  uint32_t received_ = 0;
  uint32_t expected_prior_ = 0;
  uint32_t received_prior_ = 0;
  int32_t transit_ = 0;
  bool has_transit_ = false;
  uint64_t jitter_q4_ = 0;
};

}  // namespace ringcast::rtc
