#!/usr/bin/python3
"""Checks ringcast's descriptions against live headless Chromium (tests/data/sdp/README.md).

For each publisher case of capture_chromium.py: Chromium creates and sets an offer, sdp_answer_tool
answers it, Chromium must accept the answer (setRemoteDescription) with the transceivers in the
direction we answered. Then the subscriber sequence: Chromium answers our three renegotiated
offers in turn (add, remove + add, recycle) and sdp_answer_tool must read each answer.
No packet flows: the candidates point nowhere. Exit status 0 when every check passed.

    /usr/bin/python3 verify_chromium.py BUILD_DIR/tests/sdp_answer_tool
"""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from capture_chromium import PAGE, start_driver  # noqa: E402

VERIFY_JS = """<script>
const pcs = {};
async function startOffer(name) {
  const pc = await builders[name]();
  await pc.setLocalDescription(await pc.createOffer());
  pcs[name] = pc;
  return pc.localDescription.sdp;
}
async function applyAnswer(name, sdp) {
  const pc = pcs[name];
  try {
    await pc.setRemoteDescription({type: 'answer', sdp: sdp});
  } catch (e) {
    return 'error: ' + e.message;
  }
  // The senders keep their encodings: simulcast was accepted with all three layers.
  const result = pc.getTransceivers().map(t => (t.mid || '-') + ':' + t.currentDirection).join(' ') +
      ' | encodings ' + pc.getSenders().map(s => s.getParameters().encodings.length).join(' ');
  pc.close();
  return result;
}
let subscriber = null;
async function answerSubscriber(sdp) {
  if (subscriber === null) subscriber = new RTCPeerConnection({iceServers: []});
  try {
    await subscriber.setRemoteDescription({type: 'offer', sdp: sdp});
    await subscriber.setLocalDescription(await subscriber.createAnswer());
  } catch (e) {
    return {error: e.message};
  }
  return {sdp: subscriber.localDescription.sdp,
          transceivers: subscriber.getTransceivers().map(
              t => (t.mid || '-') + ':' + t.currentDirection).join(' ')};
}
</script></body></html>"""

EXPECTED = {
    "publish-av": "0:sendonly 1:sendonly | encodings 1 1",
    "publish-simulcast": "0:sendonly 1:sendonly | encodings 1 3",
    "publish-screenshare": "0:sendonly 1:sendonly 2:sendonly | encodings 1 1 1",
    "publish-av-datachannel": "0:sendonly 1:sendonly | encodings 1 1",
    "recvonly": "0:inactive 1:inactive | encodings 1 1",
}


def main():
    tool = os.path.abspath(sys.argv[1])
    workdir = tempfile.mkdtemp(prefix="ringcast-sdp-verify-")
    driver = None
    failures = 0
    try:
        driver = start_driver(workdir, PAGE.replace("</script></body></html>",
                                                    "</script>" + VERIFY_JS))
        for name, expected in EXPECTED.items():
            offer = driver.execute_script("return startOffer(arguments[0])", name)
            answer = subprocess.run([tool, "answer"], input=offer.encode(), capture_output=True)
            if answer.returncode != 0:
                print("FAIL %s: sdp_answer_tool: %s" % (name, answer.stderr.decode().strip()))
                failures += 1
                continue
            result = driver.execute_script("return applyAnswer(arguments[0], arguments[1])",
                                           name, answer.stdout.decode())
            ok = result == expected
            failures += not ok
            print("%s publish %s: %s" % ("ok  " if ok else "FAIL", name, result))

        subprocess.run([tool, "subscriber-sequence", workdir], check=True)
        for index in (1, 2, 3):
            offer_path = os.path.join(workdir, "offer-%d.sdp" % index)
            with open(offer_path) as f:
                result = driver.execute_script("return answerSubscriber(arguments[0])", f.read())
            if "error" in result:
                print("FAIL subscriber offer %d: %s" % (index, result["error"]))
                failures += 1
                continue
            answer_path = os.path.join(workdir, "answer-%d.sdp" % index)
            with open(answer_path, "w", newline="") as f:
                f.write(result["sdp"])
            read = subprocess.run([tool, "read-answer", offer_path, answer_path],
                                  capture_output=True)
            ok = read.returncode == 0
            failures += not ok
            print("%s subscriber offer %d: chromium %s; we read: %s" % (
                "ok  " if ok else "FAIL", index, result["transceivers"],
                (read.stdout if ok else read.stderr).decode().strip()))
    finally:
        if driver is not None:
            driver.quit()
        shutil.rmtree(workdir, ignore_errors=True)
    print("%d passed, %d failed" % (len(EXPECTED) + 3 - failures, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
