#include "core/timer_wheel.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace ringcast::core {
namespace {

TEST(TimerWheel, FiresAtTheScheduledTickNotBefore) {
  TimerWheel wheel(100);
  int fired = 0;
  Timer timer([&] { ++fired; });
  wheel.schedule(timer, 5);
  EXPECT_TRUE(timer.scheduled());
  EXPECT_EQ(wheel.advance(104), 0u);
  EXPECT_EQ(fired, 0);
  EXPECT_EQ(wheel.advance(105), 1u);
  EXPECT_EQ(fired, 1);
  EXPECT_FALSE(timer.scheduled());
  EXPECT_EQ(wheel.scheduled_count(), 0u);
}

TEST(TimerWheel, ZeroDelayFiresOnTheNextTick) {
  TimerWheel wheel(0);
  int fired = 0;
  Timer timer([&] { ++fired; });
  wheel.schedule(timer, 0);
  wheel.advance(0);
  EXPECT_EQ(fired, 0);
  wheel.advance(1);
  EXPECT_EQ(fired, 1);
}

TEST(TimerWheel, DelaysLongerThanOneRevolutionWaitTheirTurn) {
  TimerWheel wheel(0);
  int fired = 0;
  Timer timer([&] { ++fired; });
  const uint64_t delay = TimerWheel::kSlots * 3 + 17;
  wheel.schedule(timer, delay);
  for (uint64_t tick = 1; tick < delay; ++tick) {
    wheel.advance(tick);
  }
  EXPECT_EQ(fired, 0);
  wheel.advance(delay);
  EXPECT_EQ(fired, 1);
}

TEST(TimerWheel, ALongStallFiresEverythingDue) {
  TimerWheel wheel(0);
  int fired = 0;
  std::vector<std::unique_ptr<Timer>> timers;
  for (uint64_t delay : {1u, 500u, 1023u, 1024u, 5000u}) {
    timers.push_back(std::make_unique<Timer>([&] { ++fired; }));
    wheel.schedule(*timers.back(), delay);
  }
  Timer later([&] { ++fired; });
  wheel.schedule(later, 20'000);
  EXPECT_EQ(wheel.advance(10'000), 5u);
  EXPECT_EQ(fired, 5);
  EXPECT_TRUE(later.scheduled());
}

TEST(TimerWheel, CancelAndDestroyRemoveTimers) {
  TimerWheel wheel(0);
  int fired = 0;
  Timer cancelled([&] { ++fired; });
  wheel.schedule(cancelled, 3);
  cancelled.cancel();
  {
    Timer destroyed([&] { ++fired; });
    wheel.schedule(destroyed, 3);
    EXPECT_EQ(wheel.scheduled_count(), 1u);
  }
  EXPECT_EQ(wheel.scheduled_count(), 0u);
  wheel.advance(10);
  EXPECT_EQ(fired, 0);
}

TEST(TimerWheel, CallbacksMayRearmThemselvesAndCancelOthers) {
  TimerWheel wheel(0);
  int periodic_runs = 0;
  int victim_runs = 0;
  Timer victim([&] { ++victim_runs; });
  Timer* ticking_self = nullptr;
  Timer ticking([&] {
    ++periodic_runs;
    victim.cancel();
    wheel.schedule(*ticking_self, 10);
  });
  ticking_self = &ticking;
  wheel.schedule(ticking, 10);
  wheel.schedule(victim, 10);  // same slot and tick as the first run of `ticking`
  for (uint64_t tick = 1; tick <= 100; ++tick) {
    wheel.advance(tick);
  }
  EXPECT_EQ(periodic_runs, 10);
  // Order within a tick is unspecified: the victim either ran before being cancelled or not.
  EXPECT_LE(victim_runs, 1);
  EXPECT_FALSE(victim.scheduled());
}

TEST(TimerWheel, NextExpiryFindsTheEarliestOccupiedSlot) {
  TimerWheel wheel(1000);
  EXPECT_FALSE(wheel.next_expiry_in_ticks().has_value());
  Timer far([] {});
  Timer near([] {});
  wheel.schedule(far, 700);
  wheel.schedule(near, 65);
  EXPECT_EQ(wheel.next_expiry_in_ticks(), 65u);
  near.cancel();
  EXPECT_EQ(wheel.next_expiry_in_ticks(), 700u);
  wheel.advance(1699);
  EXPECT_EQ(wheel.next_expiry_in_ticks(), 1u);
  wheel.advance(1700);
  EXPECT_FALSE(wheel.next_expiry_in_ticks().has_value());
}

}  // namespace
}  // namespace ringcast::core
