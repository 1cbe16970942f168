# Our own code builds warning-free on GCC 12 and clang 14; third-party code is not held to it.
add_library(ringcast_warnings INTERFACE)
target_compile_options(ringcast_warnings INTERFACE -Wall -Wextra -Werror
  # GCC 12 reports impossible overlapping memcpy sizes inside libstdc++'s std::string when
  # string building is inlined at -O3 (GCC bug 105651): a false positive, not our code.
  $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>)
