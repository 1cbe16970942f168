# Debian's libsrtp2 is built against NSS: about 10-12.7 us per AES-CM protect of a 1200-byte
# packet and NSS mutexes on the path. The same source with its OpenSSL backend measured 2.6 us
# (CM) and 1.34 us (GCM). So by default we build Debian's source package (2.5.0 plus Debian's
# patches) ourselves, statically, with OpenSSL, and with our allocation-free HMAC-SHA1
# (cmake/libsrtp2/hmac_ossl.c) in place of its OpenSSL 3 EVP_MAC one. The fetched source is cached outside the build
# tree so a clean rebuild does not fetch it again.
add_library(ringcast_srtp INTERFACE)

if(RINGCAST_USE_SYSTEM_SRTP)
  pkg_check_modules(SYSTEM_SRTP REQUIRED IMPORTED_TARGET libsrtp2)
  target_link_libraries(ringcast_srtp INTERFACE PkgConfig::SYSTEM_SRTP)
  target_compile_definitions(ringcast_srtp INTERFACE RINGCAST_SRTP_BACKEND="system")
  return()
endif()

set(LIBSRTP2_SOURCE_DIR ${RINGCAST_DEPS_CACHE}/libsrtp2-2.5.0)
if(NOT EXISTS ${LIBSRTP2_SOURCE_DIR}/CMakeLists.txt)
  execute_process(
    COMMAND ${CMAKE_SOURCE_DIR}/tools/fetch-libsrtp2 ${RINGCAST_DEPS_CACHE}
    RESULT_VARIABLE fetch_result)
  if(NOT fetch_result EQUAL 0)
    message(FATAL_ERROR "could not fetch libsrtp2's source; run tools/dev deps as root, "
                        "or configure with -DRINGCAST_USE_SYSTEM_SRTP=ON")
  endif()
endif()

# Under the fuzzers and sanitizers libsrtp is instrumented like our own code, so coverage and
# ASan checks do not stop at its boundary.
set(LIBSRTP2_C_FLAGS "")
if(RINGCAST_BUILD_FUZZERS)
  set(LIBSRTP2_C_FLAGS "${CMAKE_C_FLAGS}")
elseif(CMAKE_BUILD_TYPE STREQUAL "Sanitize")
  set(LIBSRTP2_C_FLAGS "${CMAKE_C_FLAGS_SANITIZE}")
endif()

include(ExternalProject)
set(LIBSRTP2_PREFIX ${CMAKE_BINARY_DIR}/_deps/libsrtp2)
set(LIBSRTP2_LIBRARY ${LIBSRTP2_PREFIX}/lib/libsrtp2.a)
ExternalProject_Add(libsrtp2_build
  SOURCE_DIR ${LIBSRTP2_SOURCE_DIR}
  PREFIX ${LIBSRTP2_PREFIX}
  CMAKE_ARGS
    -DCMAKE_BUILD_TYPE=Release
    -DCMAKE_INSTALL_PREFIX=${LIBSRTP2_PREFIX}
    -DCMAKE_INSTALL_LIBDIR=lib
    -DCMAKE_C_COMPILER=${CMAKE_C_COMPILER}
    -DCMAKE_C_FLAGS=${LIBSRTP2_C_FLAGS}
    -DCMAKE_POSITION_INDEPENDENT_CODE=ON
    -DBUILD_SHARED_LIBS=OFF
    -DENABLE_OPENSSL=ON
    -DTEST_APPS=OFF
    -DBUILD_WITH_WARNINGS=OFF
  BUILD_BYPRODUCTS ${LIBSRTP2_LIBRARY}
  UPDATE_COMMAND ""
  # Our HMAC-SHA1 keys once and never allocates per packet (see the file's header comment).
  PATCH_COMMAND ${CMAKE_COMMAND} -E copy_if_different
    ${CMAKE_SOURCE_DIR}/cmake/libsrtp2/hmac_ossl.c <SOURCE_DIR>/crypto/hash/hmac_ossl.c
  INSTALL_DIR ${LIBSRTP2_PREFIX})

ExternalProject_Add_StepDependencies(libsrtp2_build patch ${CMAKE_SOURCE_DIR}/cmake/libsrtp2/hmac_ossl.c)

file(MAKE_DIRECTORY ${LIBSRTP2_PREFIX}/include)
add_library(libsrtp2_static STATIC IMPORTED GLOBAL)
set_target_properties(libsrtp2_static PROPERTIES
  IMPORTED_LOCATION ${LIBSRTP2_LIBRARY}
  INTERFACE_INCLUDE_DIRECTORIES ${LIBSRTP2_PREFIX}/include)
add_dependencies(libsrtp2_static libsrtp2_build)
target_link_libraries(ringcast_srtp INTERFACE libsrtp2_static OpenSSL::Crypto)
target_compile_definitions(ringcast_srtp INTERFACE RINGCAST_SRTP_BACKEND="openssl")
