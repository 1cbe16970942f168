# RTMP scenarios with Debian's ffmpeg (tools/dev deps installs it). Every process binds ports
# the script picked from the kernel's free ones, so ctest -j runs never collide.
ringcast_integration_test(rtmp_fanout 30_rtmp_fanout_test.py TIMEOUT 90 LABELS rtmp)
ringcast_integration_test(rtmp_push_relay 31_rtmp_push_relay_test.py DEBIAN_PYTHON TIMEOUT 90 LABELS rtmp)
