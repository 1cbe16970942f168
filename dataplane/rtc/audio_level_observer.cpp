#include "rtc/audio_level_observer.hpp"

#include <algorithm>

#include "core/allocation_counter.hpp"

namespace ringcast::rtc {

AudioLevelObserver::AudioLevelObserver(std::string id, std::string router_id, core::Shard& shard,
                                       uint32_t interval_ms, int threshold_dbov, Listener listener)
    : id_(std::move(id)),
      router_id_(std::move(router_id)),
      shard_(shard),
      interval_ms_(interval_ms == 0 ? 800 : interval_ms),
      threshold_dbov_(threshold_dbov == 0 ? -70 : threshold_dbov),
      listener_(std::move(listener)),
      timer_([this] { report(); }) {
  shard_.timers().schedule(timer_, interval_ms_);
}

AudioLevelObserver::~AudioLevelObserver() {
  for (Entry& entry : entries_) {
    entry.producer->set_audio_level_sink(nullptr);
  }
}

void AudioLevelObserver::add_producer(Producer& producer) {
  if (std::none_of(entries_.begin(), entries_.end(),
                   [&](const Entry& entry) { return entry.producer == &producer; })) {
    entries_.push_back(Entry{&producer});
    producer.set_audio_level_sink(this);
  }
}

void AudioLevelObserver::remove_producer(Producer& producer) {
  producer.set_audio_level_sink(nullptr);
  std::erase_if(entries_, [&](const Entry& entry) { return entry.producer == &producer; });
}

void AudioLevelObserver::on_audio_level(const std::string& producer_id, uint8_t level,
                                        bool /*voice*/) {
  for (Entry& entry : entries_) {
    if (entry.producer->id() == producer_id) {
      entry.level_sum += level;
      ++entry.samples;
      return;
    }
  }
}

void AudioLevelObserver::report() {
  shard_.timers().schedule(timer_, interval_ms_);
  // Reporting builds events for the control socket: control work, not the packet path.
  core::AllocationCounter::ControlWork control_work;
  // Levels are in -dBov (RFC 6464 §3), so the average is negated to the usual dBov scale.
  std::vector<Level> levels;
  for (Entry& entry : entries_) {
    if (entry.samples > 0) {
      const int volume = -static_cast<int>(entry.level_sum / entry.samples);
      if (volume > threshold_dbov_) {
        levels.push_back(Level{entry.producer->id(), volume});
      }
    }
    entry.level_sum = 0;
    entry.samples = 0;
  }
  std::sort(levels.begin(), levels.end(),
            [](const Level& a, const Level& b) { return a.volume_dbov > b.volume_dbov; });
  // Levels every interval while someone speaks; silence once when it falls.
  if (listener_.on_levels && (!levels.empty() || !silent_)) {
    listener_.on_levels(*this, levels);
  }
  silent_ = levels.empty();
  if (!levels.empty() && levels.front().producer_id != active_speaker_) {
    active_speaker_ = levels.front().producer_id;
    if (listener_.on_active_speaker) {
      listener_.on_active_speaker(*this, levels.front());
    }
  }
}

}  // namespace ringcast::rtc
