#pragma once

#include "core/byte_io.hpp"

namespace ringcast::rtmp {
using namespace ringcast::core::byte_io;
}  // namespace ringcast::rtmp
