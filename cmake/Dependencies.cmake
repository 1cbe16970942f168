# Every dependency is a Debian package installed by `tools/dev deps`, except libsrtp2, which is
# built from Debian's source package with the OpenSSL backend (see Libsrtp2.cmake for why).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)

pkg_check_modules(LIBURING REQUIRED IMPORTED_TARGET liburing)
pkg_check_modules(JEMALLOC REQUIRED IMPORTED_TARGET jemalloc)
find_package(OpenSSL 3 REQUIRED)
find_package(Protobuf REQUIRED)
find_package(tomlplusplus REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(CLI11 CONFIG QUIET)
if(NOT TARGET CLI11::CLI11)
  # Debian's libcli11-dev ships the header without a CMake package in some releases.
  find_path(CLI11_INCLUDE_DIR CLI/CLI.hpp REQUIRED)
  add_library(CLI11::CLI11 INTERFACE IMPORTED)
  target_include_directories(CLI11::CLI11 INTERFACE ${CLI11_INCLUDE_DIR})
endif()
find_package(Boost 1.74 REQUIRED COMPONENTS system)

# jemalloc serves the servers' allocations; under the sanitizers ASan must own malloc instead.
add_library(ringcast_allocator INTERFACE)
if(NOT CMAKE_BUILD_TYPE STREQUAL "Sanitize")
  target_link_libraries(ringcast_allocator INTERFACE PkgConfig::JEMALLOC)
endif()

include(Libsrtp2)

if(RINGCAST_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
find_package(benchmark REQUIRED)
