#!/usr/bin/python3
"""Captures real SDP from headless Chromium (tests/data/sdp/README.md).

Drives Debian's chromium through chromium-driver with python3-selenium, fully offline: a local
file:// page (a secure context, so getUserMedia works) with fake capture devices. Each case
builds an RTCPeerConnection (no ICE servers), creates an offer (or an answer to a given offer),
sets it locally, waits up to 2 s for ICE gathering and prints the local description.

    /usr/bin/python3 capture_chromium.py OUTDIR [--answer-offer FILE] [--cases NAME...]
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

PAGE = """<!doctype html><html><body><script>
async function finish(pc, description) {
  await pc.setLocalDescription(description);
  await new Promise(resolve => {
    if (pc.iceGatheringState === 'complete') { resolve(); return; }
    pc.onicegatheringstatechange = () => { if (pc.iceGatheringState === 'complete') resolve(); };
    setTimeout(resolve, 2000);
  });
  const sdp = pc.localDescription.sdp;
  pc.close();
  return sdp;
}
async function media(constraints) { return navigator.mediaDevices.getUserMedia(constraints); }
const builders = {
  'publish-av': async () => {
    const pc = new RTCPeerConnection({iceServers: []});
    const stream = await media({audio: true, video: true});
    for (const track of stream.getTracks()) {
      pc.addTransceiver(track, {direction: 'sendonly', streams: [stream]});
    }
    return pc;
  },
  'publish-simulcast': async () => {
    const pc = new RTCPeerConnection({iceServers: []});
    const stream = await media({audio: true, video: {width: 1280, height: 720}});
    pc.addTransceiver(stream.getAudioTracks()[0], {direction: 'sendonly', streams: [stream]});
    pc.addTransceiver(stream.getVideoTracks()[0], {direction: 'sendonly', streams: [stream],
      sendEncodings: [{rid: 'q', scaleResolutionDownBy: 4, maxBitrate: 150000},
                      {rid: 'h', scaleResolutionDownBy: 2, maxBitrate: 500000},
                      {rid: 'f', maxBitrate: 1500000}]});
    return pc;
  },
  'publish-screenshare': async () => {
    // A camera stream plus a second video track in its own stream, hinted as screen content:
    // headless Chromium cannot pick a screen, and the SDP of a getDisplayMedia track is that of
    // any other video track (its own msid, its own transceiver).
    const pc = new RTCPeerConnection({iceServers: []});
    const camera = await media({audio: true, video: true});
    for (const track of camera.getTracks()) {
      pc.addTransceiver(track, {direction: 'sendonly', streams: [camera]});
    }
    const screen = await media({video: {width: 1920, height: 1080}});
    const screenTrack = screen.getVideoTracks()[0];
    screenTrack.contentHint = 'detail';
    pc.addTransceiver(screenTrack, {direction: 'sendonly', streams: [screen]});
    return pc;
  },
  'publish-av-datachannel': async () => {
    const pc = new RTCPeerConnection({iceServers: []});
    const stream = await media({audio: true, video: true});
    for (const track of stream.getTracks()) {
      pc.addTransceiver(track, {direction: 'sendonly', streams: [stream]});
    }
    pc.createDataChannel('chat');
    return pc;
  },
  'recvonly': async () => {
    const pc = new RTCPeerConnection({iceServers: []});
    pc.addTransceiver('audio', {direction: 'recvonly'});
    pc.addTransceiver('video', {direction: 'recvonly'});
    return pc;
  },
};
const cases = {};
for (const name of Object.keys(builders)) {
  cases[name] = async () => {
    const pc = await builders[name]();
    return finish(pc, await pc.createOffer());
  };
}
async function answer(offer) {
  const pc = new RTCPeerConnection({iceServers: []});
  await pc.setRemoteDescription({type: 'offer', sdp: offer});
  return finish(pc, await pc.createAnswer());
}
</script></body></html>
"""


def start_driver(workdir, page_html):
    """Headless Chromium on a local file:// page holding page_html."""
    page = os.path.join(workdir, "capture.html")
    with open(page, "w") as f:
        f.write(page_html)
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ["--headless", "--no-sandbox", "--disable-gpu",
                 "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                 "--disable-background-networking", "--no-first-run",
                 "--user-data-dir=" + os.path.join(workdir, "profile")]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_script_timeout(30)
    driver.get("file://" + page)
    return driver


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("outdir")
    parser.add_argument("--answer-offer", help="also answer this server offer (answer-subscriber)")
    parser.add_argument("--cases", nargs="*", help="only these cases (default: all)")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="ringcast-sdp-chromium-")
    driver = None
    try:
        driver = start_driver(workdir, PAGE)
        major = driver.capabilities["browserVersion"].split(".")[0]
        jobs = [(name, "return cases['%s']()" % name, []) for name in
                ["publish-av", "publish-simulcast", "publish-screenshare", "publish-av-datachannel",
                 "recvonly"]]
        if args.answer_offer:
            with open(args.answer_offer) as f:
                jobs.append(("answer-subscriber", "return answer(arguments[0])", [f.read()]))
        for name, script, script_args in jobs:
            if args.cases and name not in args.cases:
                continue
            sdp = driver.execute_script(script, *script_args)
            path = os.path.join(args.outdir, "chromium-%s-%s.sdp" % (major, name))
            with open(path, "w", newline="") as f:
                f.write(sdp)
            print("wrote", path)
    finally:
        if driver is not None:
            driver.quit()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
