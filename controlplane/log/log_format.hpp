#pragma once

namespace ringcast::controlplane::log {

// kJson is for machines (one object per line, the default); kText is for a person at a terminal.
enum class LogFormat { kJson, kText };

}  // namespace ringcast::controlplane::log
