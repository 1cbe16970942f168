# ringcast_unit_test(NAME name SOURCES ... LIBRARIES ... [LABELS ...])
# A GoogleTest binary registered with ctest under the label `unit` (plus any given).
function(ringcast_unit_test)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;LIBRARIES;LABELS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SOURCES})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_LIBRARIES} GTest::gtest GTest::gtest_main GTest::gmock ringcast_warnings)
  set_target_properties(${ARG_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  add_test(NAME ${ARG_NAME} COMMAND ${ARG_NAME})
  set_tests_properties(${ARG_NAME} PROPERTIES LABELS "unit;${ARG_LABELS}" TIMEOUT 300)
  set_property(GLOBAL APPEND PROPERTY RINGCAST_UNIT_TESTS ${ARG_NAME})
endfunction()

# ringcast_fuzz_target(NAME name SOURCES ... LIBRARIES ...)
# A libFuzzer binary, built only in the clang fuzz build (RINGCAST_BUILD_FUZZERS). ctest runs it
# for a bounded number of inputs from its seed corpus (tests/fuzz/corpus/<name>/) under label `fuzz`.
function(ringcast_fuzz_target)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT RINGCAST_BUILD_FUZZERS)
    return()
  endif()
  add_executable(${ARG_NAME} ${ARG_SOURCES})
  target_compile_options(${ARG_NAME} PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_options(${ARG_NAME} PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_LIBRARIES} ringcast_warnings)
  set_target_properties(${ARG_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/fuzz)
  set(corpus ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus/${ARG_NAME})
  set(work ${CMAKE_BINARY_DIR}/fuzz/work/${ARG_NAME})
  # New inputs go to a work corpus in the build tree; the seed corpus in git is only read.
  add_test(NAME ${ARG_NAME}
    COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=1
            sh -c "mkdir -p '${work}' && exec '$<TARGET_FILE:${ARG_NAME}>' -runs=${RINGCAST_FUZZ_RUNS} -max_total_time=${RINGCAST_FUZZ_SECONDS} -max_len=8192 '${work}' '${corpus}'")
  set_tests_properties(${ARG_NAME} PROPERTIES LABELS "fuzz" TIMEOUT 300)
  set_property(GLOBAL APPEND PROPERTY RINGCAST_FUZZ_TARGETS ${ARG_NAME})
endfunction()

# ringcast_glob_unit_test(NAME name LIBRARIES ...): one GoogleTest binary of every *_test.cpp in
# the current folder.
function(ringcast_glob_unit_test)
  cmake_parse_arguments(ARG "" "NAME" "LIBRARIES;LABELS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*_test.cpp)
  if(sources)
    ringcast_unit_test(NAME ${ARG_NAME} SOURCES ${sources} LIBRARIES ${ARG_LIBRARIES} LABELS ${ARG_LABELS})
  endif()
endfunction()

# ringcast_glob_fuzz_targets(LIBRARIES ...): one libFuzzer target per *_fuzz.cpp in the current
# folder, named after the file (rtp_packet_fuzz.cpp -> rtp_packet_fuzz).
function(ringcast_glob_fuzz_targets)
  cmake_parse_arguments(ARG "" "" "LIBRARIES" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*_fuzz.cpp)
  foreach(source IN LISTS sources)
    get_filename_component(name ${source} NAME_WE)
    ringcast_fuzz_target(NAME ${name} SOURCES ${source} LIBRARIES ${ARG_LIBRARIES})
  endforeach()
endfunction()
