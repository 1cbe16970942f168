#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/shard.hpp"
#include "core/timer_wheel.hpp"
#include "rtc/producer.hpp"

namespace ringcast::rtc {

// Watches the RFC 6464 audio levels of a router's audio producers and, every interval, reports
// each producer's average level and the loudest one (the active speaker) when it changes.
class AudioLevelObserver : public AudioLevelSink {
 public:
  struct Level {
    std::string producer_id;
    int volume_dbov;  // 0 loudest .. -127 silence
  };
  struct Listener {
    // Levels above the threshold this interval, loudest first (empty: silence).
    std::function<void(AudioLevelObserver&, const std::vector<Level>&)> on_levels;
    std::function<void(AudioLevelObserver&, const Level&)> on_active_speaker;
  };

  AudioLevelObserver(std::string id, std::string router_id, core::Shard& shard,
                     uint32_t interval_ms, int threshold_dbov, Listener listener);
  ~AudioLevelObserver() override;

  const std::string& id() const { return id_; }
  const std::string& router_id() const { return router_id_; }

  void add_producer(Producer& producer);
  void remove_producer(Producer& producer);

  // AudioLevelSink: one packet's level.
  void on_audio_level(const std::string& producer_id, uint8_t level, bool voice) override;

 private:
  struct Entry {
    Producer* producer;
    uint64_t level_sum = 0;  // of -dBov values
    uint32_t samples = 0;
  };

  void report();

  std::string id_;
  std::string router_id_;
  core::Shard& shard_;
  uint32_t interval_ms_;
  int threshold_dbov_;
  Listener listener_;
  std::vector<Entry> entries_;
  std::string active_speaker_;
  bool silent_ = true;
  core::Timer timer_;
};

}  // namespace ringcast::rtc
