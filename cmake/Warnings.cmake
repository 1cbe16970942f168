# Our own code builds warning-free on GCC 12 and clang 14; third-party code is not held to it.
add_library(ringcast_warnings INTERFACE)
target_compile_options(ringcast_warnings INTERFACE -Wall -Wextra -Werror)
