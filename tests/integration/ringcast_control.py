"""A small client for the data plane's control socket (framed protobuf, docs/control-protocol.md),
for integration tests. The Python bindings are generated into the build tree (build/python)."""

import os
import socket
import struct
import sys


def import_control_pb2(bin_dir):
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(bin_dir)), "python"))
    from ringcast import control_pb2  # noqa: E402
    return control_pb2


class ControlClient:
    def __init__(self, pb, socket_path, name="integration-test", timeout=10):
        self.pb = pb
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(socket_path)
        self.next_id = 1
        self.buffer = b""
        self.events = []
        hello = self.call(hello=pb.Hello(protocol_version=pb.PROTOCOL_VERSION_CURRENT,
                                         client_name=name))
        self.node = hello.hello.node

    def close(self):
        self.sock.close()

    def _buffered_envelope(self):
        """The next complete frame already received, or None."""
        if len(self.buffer) >= 4:
            (length,) = struct.unpack(">I", self.buffer[:4])
            if len(self.buffer) >= 4 + length:
                envelope = self.pb.Envelope()
                envelope.ParseFromString(self.buffer[4:4 + length])
                self.buffer = self.buffer[4 + length:]
                return envelope
        return None

    def _read_envelope(self):
        while True:
            envelope = self._buffered_envelope()
            if envelope is not None:
                return envelope
            data = self.sock.recv(65536)
            if not data:
                raise ConnectionError("data plane closed the control connection")
            self.buffer += data

    def call(self, **request_fields):
        """call(create_router=pb.CreateRouter(...)) -> Response; raises on an error response."""
        response = self.try_call(**request_fields)
        if response.HasField("error"):
            raise RuntimeError(f"{list(request_fields)[0]} failed: {response.error.reason}")
        return response

    def try_call(self, **request_fields):
        envelope = self.pb.Envelope(id=self.next_id, request=self.pb.Request(**request_fields))
        self.next_id += 1
        payload = envelope.SerializeToString()
        self.sock.sendall(struct.pack(">I", len(payload)) + payload)
        while True:
            answer = self._read_envelope()
            if answer.WhichOneof("body") == "event":
                self.events.append(answer.event)
            elif answer.WhichOneof("body") == "response" and answer.id == envelope.id:
                return answer.response

    def poll_events(self):
        """Reads whatever events have arrived, without blocking: every frame already buffered
        (one recv can bring several), then whatever the socket holds."""
        import select
        while True:
            answer = self._buffered_envelope()
            if answer is None:
                if not select.select([self.sock], [], [], 0)[0]:
                    return
                data = self.sock.recv(65536)
                if not data:
                    raise ConnectionError("data plane closed the control connection")
                self.buffer += data
                continue
            if answer.WhichOneof("body") == "event":
                self.events.append(answer.event)

    async def wait_event_async(self, predicate, timeout=10):
        """wait_event for asyncio code: polls, so the event loop (and the peers on it) runs."""
        import asyncio
        import time
        deadline = time.monotonic() + timeout
        while True:
            self.poll_events()
            for event in self.events:
                if predicate(event):
                    return event
            if time.monotonic() > deadline:
                raise AssertionError("timed out waiting for an event; saw: "
                                     + "; ".join(str(e).replace("\n", " ") for e in self.events))
            await asyncio.sleep(0.05)

    def wait_event(self, predicate, timeout=10):
        """Returns the first event (already received or arriving within `timeout`) for which
        predicate(event) is true."""
        import time
        deadline = time.monotonic() + timeout
        while True:
            for event in self.events:
                if predicate(event):
                    return event
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError("timed out waiting for an event; saw: "
                                     + "; ".join(str(e).replace("\n", " ") for e in self.events))
            self.sock.settimeout(remaining)
            try:
                answer = self._read_envelope()
            except socket.timeout:
                continue
            finally:
                self.sock.settimeout(10)
            if answer.WhichOneof("body") == "event":
                self.events.append(answer.event)

    def shard_counters(self):
        stats = self.call(get_stats=self.pb.GetStats()).stats
        return [dict(shard.counters) for shard in stats.shards]
