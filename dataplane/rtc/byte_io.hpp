#pragma once

#include "core/byte_io.hpp"

namespace ringcast::rtc {
using namespace ringcast::core::byte_io;
}  // namespace ringcast::rtc
