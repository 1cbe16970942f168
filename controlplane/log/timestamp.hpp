#pragma once

#include <chrono>
#include <string>

namespace ringcast::controlplane::log {

// "2026-11-22T05:19:11.123Z": UTC, so lines from several hosts sort and compare without zones.
std::string format_timestamp(std::chrono::system_clock::time_point time);

}  // namespace ringcast::controlplane::log
