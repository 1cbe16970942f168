#pragma once

#include <stdexcept>

namespace ringcast::controlplane::config {

// A configuration problem, with the offending key (and source line when there is one) already in
// what(). The control plane exits with status 2 on one, like the data plane.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace ringcast::controlplane::config
