#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <new>
#include <optional>
#include <utility>

namespace ringcast::core {

// A bounded single-producer single-consumer queue: the only channel between two threads of the
// data plane. One thread may call try_push, one other thread may call try_pop; neither blocks.
//
// Each side caches the other side's index so the common case touches only its own cache line;
// the shared index is re-read only when the cached one says the queue looks full (or empty).
template <typename T>
class SpscQueue {
 public:
  // Capacity is rounded up to a power of two so wrap-around is a mask.
  explicit SpscQueue(size_t capacity)
      : mask_(round_up_to_power_of_two(capacity < 2 ? 2 : capacity) - 1),
        slots_(std::make_unique<Slot[]>(mask_ + 1)) {}

  SpscQueue(const SpscQueue&) = delete;
  SpscQueue& operator=(const SpscQueue&) = delete;

  ~SpscQueue() {
    while (try_pop()) {
    }
  }

  size_t capacity() const { return mask_ + 1; }

  // Producer side. Returns false (and leaves `value` untouched) when the queue is full.
  bool try_push(T&& value) {
    const size_t tail = producer_.tail.load(std::memory_order_relaxed);
    if (tail - producer_.cached_head > mask_) {
      producer_.cached_head = head_.load(std::memory_order_acquire);
      if (tail - producer_.cached_head > mask_) {
        return false;
      }
    }
    new (slots_[tail & mask_].storage) T(std::move(value));
    producer_.tail.store(tail + 1, std::memory_order_release);
    return true;
  }

  // Consumer side.
  std::optional<T> try_pop() {
    const size_t head = head_.load(std::memory_order_relaxed);
    if (head == consumer_cached_tail_) {
      consumer_cached_tail_ = producer_.tail.load(std::memory_order_acquire);
      if (head == consumer_cached_tail_) {
        return std::nullopt;
      }
    }
    T* slot = std::launder(reinterpret_cast<T*>(slots_[head & mask_].storage));
    std::optional<T> value(std::move(*slot));
    slot->~T();
    head_.store(head + 1, std::memory_order_release);
    return value;
  }

 private:
  struct Slot {
    alignas(T) unsigned char storage[sizeof(T)];
  };

  static size_t round_up_to_power_of_two(size_t n) {
    size_t p = 1;
    while (p < n) {
      p <<= 1;
    }
    return p;
  }

  static constexpr size_t kCacheLine = 64;

  const size_t mask_;
  std::unique_ptr<Slot[]> slots_;

  // Written by the producer.
  struct alignas(kCacheLine) ProducerSide {
    std::atomic<size_t> tail{0};
    size_t cached_head = 0;
  } producer_;

  // Written by the consumer.
  alignas(kCacheLine) std::atomic<size_t> head_{0};
  size_t consumer_cached_tail_ = 0;
};

}  // namespace ringcast::core
