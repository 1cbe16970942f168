#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>

namespace ringcast::core {

class TimerWheel;

// One pending deadline. A Timer is owned by whatever it serves (a transport's RTCP report, a DTLS
// retransmission, ...) and linked into the wheel intrusively, so arming and cancelling it never
// allocates. Destroying a scheduled Timer cancels it.
class Timer {
 public:
  explicit Timer(std::function<void()> on_expiry) : on_expiry_(std::move(on_expiry)) {
    link_.owner = this;
  }
  ~Timer() { cancel(); }

  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;

  bool scheduled() const { return wheel_ != nullptr; }
  uint64_t expiry_tick() const { return expiry_tick_; }
  void cancel();

 private:
  friend class TimerWheel;
  struct Link {
    Link* prev = this;
    Link* next = this;
    Timer* owner = nullptr;  // null for a slot's list head
  };
  Link link_;
  TimerWheel* wheel_ = nullptr;
  uint64_t expiry_tick_ = 0;
  std::function<void()> on_expiry_;
};

// A hashed timing wheel with one-millisecond ticks and 1024 slots (one revolution is about a
// second; longer delays wait out whole revolutions in their slot). Every shard has one and
// advances it once per loop turn; the loop sleeps until next_expiry_in_ticks().
class TimerWheel {
 public:
  static constexpr uint32_t kSlots = 1024;

  explicit TimerWheel(uint64_t now_tick = 0) : current_tick_(now_tick) {}
  ~TimerWheel();

  TimerWheel(const TimerWheel&) = delete;
  TimerWheel& operator=(const TimerWheel&) = delete;

  // Arms `timer` to fire `delay_ticks` after the current tick (a delay of 0 fires on the next
  // advance). Re-arming a scheduled timer moves it.
  void schedule(Timer& timer, uint64_t delay_ticks);

  // Fires, in no particular order within a tick, every timer whose expiry is <= now_tick.
  // Returns how many fired. Callbacks may schedule and cancel timers, including themselves.
  size_t advance(uint64_t now_tick);

  // Ticks until the earliest slot holding a timer, capped at one revolution; nullopt when no
  // timer is scheduled. Used as the loop's wait timeout.
  std::optional<uint64_t> next_expiry_in_ticks() const;

  uint64_t current_tick() const { return current_tick_; }
  size_t scheduled_count() const { return scheduled_count_; }

 private:
  friend class Timer;
  using Link = Timer::Link;

  static void unlink(Link& link);
  static void link_before(Link& position, Link& link);
  void remove(Timer& timer);
  void insert(Timer& timer);
  void fire_due_in_slot(uint32_t slot, uint64_t now_tick, size_t& fired);

  std::array<Link, kSlots> slots_{};
  // A set bit means the slot may be non-empty; cleared lazily when found empty.
  mutable std::array<uint64_t, kSlots / 64> occupied_{};
  uint64_t current_tick_;
  size_t scheduled_count_ = 0;
};

}  // namespace ringcast::core
