#include "core/timer_wheel.hpp"

namespace ringcast::core {

void Timer::cancel() {
  if (wheel_ != nullptr) {
    wheel_->remove(*this);
  }
}

TimerWheel::~TimerWheel() {
  for (auto& slot : slots_) {
    while (slot.next != &slot) {
      remove(*slot.next->owner);
    }
  }
}

void TimerWheel::unlink(Link& link) {
  link.prev->next = link.next;
  link.next->prev = link.prev;
  link.prev = &link;
  link.next = &link;
}

void TimerWheel::link_before(Link& position, Link& link) {
  link.prev = position.prev;
  link.next = &position;
  position.prev->next = &link;
  position.prev = &link;
}

void TimerWheel::remove(Timer& timer) {
  unlink(timer.link_);
  timer.wheel_ = nullptr;
  --scheduled_count_;
}

void TimerWheel::insert(Timer& timer) {
  const uint32_t slot = static_cast<uint32_t>(timer.expiry_tick_ % kSlots);
  link_before(slots_[slot], timer.link_);
  occupied_[slot / 64] |= uint64_t{1} << (slot % 64);
  timer.wheel_ = this;
  ++scheduled_count_;
}

void TimerWheel::schedule(Timer& timer, uint64_t delay_ticks) {
  timer.cancel();
  // A zero delay would land in the slot already passed this tick; the next tick is the earliest.
  timer.expiry_tick_ = current_tick_ + (delay_ticks == 0 ? 1 : delay_ticks);
  insert(timer);
}

void TimerWheel::fire_due_in_slot(uint32_t slot, uint64_t now_tick, size_t& fired) {
  Link& head = slots_[slot];
  if (head.next == &head) {
    return;
  }
  // Move the slot's timers to a private list first: callbacks may re-arm into this same slot,
  // and those must wait for their own expiry rather than be seen again in this pass.
  Link pending;
  pending.next = head.next;
  pending.prev = head.prev;
  pending.next->prev = &pending;
  pending.prev->next = &pending;
  head.next = &head;
  head.prev = &head;

  while (pending.next != &pending) {
    Timer* timer = pending.next->owner;
    unlink(timer->link_);
    if (timer->expiry_tick_ <= now_tick) {
      timer->wheel_ = nullptr;
      --scheduled_count_;
      ++fired;
      timer->on_expiry_();
    } else {
      link_before(head, timer->link_);
    }
  }
}

size_t TimerWheel::advance(uint64_t now_tick) {
  size_t fired = 0;
  if (now_tick <= current_tick_) {
    return fired;
  }
  // After a stall longer than a revolution every slot is visited once, which still fires
  // everything that is due.
  const uint64_t steps = now_tick - current_tick_ < kSlots ? now_tick - current_tick_ : kSlots;
  const uint64_t first = now_tick - steps + 1;
  current_tick_ = now_tick;
  for (uint64_t tick = first; tick <= now_tick; ++tick) {
    fire_due_in_slot(static_cast<uint32_t>(tick % kSlots), now_tick, fired);
  }
  return fired;
}

std::optional<uint64_t> TimerWheel::next_expiry_in_ticks() const {
  if (scheduled_count_ == 0) {
    return std::nullopt;
  }
  for (uint64_t distance = 1; distance <= kSlots; ++distance) {
    const uint32_t slot = static_cast<uint32_t>((current_tick_ + distance) % kSlots);
    uint64_t& word = occupied_[slot / 64];
    const uint64_t bit = uint64_t{1} << (slot % 64);
    if (word == 0) {
      // Skip the rest of an empty 64-slot word in one step.
      distance += 63 - (slot % 64);
      continue;
    }
    if ((word & bit) == 0) {
      continue;
    }
    if (slots_[slot].next == &slots_[slot]) {
      word &= ~bit;
      continue;
    }
    return distance;
  }
  return kSlots;
}

}  // namespace ringcast::core
