# Control-plane scenarios against build/bin/ringcast-controlplane. Included from
# tests/integration/CMakeLists.txt; every process binds 127.0.0.1 port 0, so runs never collide.
add_test(NAME controlplane_healthz
  COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/controlplane_healthz_test.py --bin ${CMAKE_BINARY_DIR}/bin)
set_tests_properties(controlplane_healthz PROPERTIES LABELS "integration;controlplane" TIMEOUT 60)
