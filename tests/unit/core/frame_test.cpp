#include "frame.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ringcast::proto {
namespace {

control::Envelope hello_envelope(uint64_t id) {
  control::Envelope envelope;
  envelope.set_id(id);
  envelope.mutable_request()->mutable_hello()->set_protocol_version(1);
  envelope.mutable_request()->mutable_hello()->set_client_name("test");
  return envelope;
}

std::span<const uint8_t> bytes(const std::string& text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

TEST(Frame, EncodesBigEndianLengthThenPayload) {
  const control::Envelope envelope = hello_envelope(7);
  const std::string frame = encode_frame(envelope);
  ASSERT_EQ(frame.size(), kFrameHeaderSize + envelope.ByteSizeLong());
  const size_t length = (size_t{uint8_t(frame[0])} << 24) | (size_t{uint8_t(frame[1])} << 16) |
                        (size_t{uint8_t(frame[2])} << 8) | size_t{uint8_t(frame[3])};
  EXPECT_EQ(length, envelope.ByteSizeLong());
}

TEST(Frame, DecodesFramesSplitAtEveryByteBoundary) {
  std::string stream;
  for (uint64_t id = 1; id <= 3; ++id) {
    append_frame(hello_envelope(id), stream);
  }
  for (size_t split = 0; split <= stream.size(); ++split) {
    FrameDecoder decoder;
    std::vector<uint64_t> ids;
    control::Envelope envelope;
    decoder.feed(bytes(stream.substr(0, split)));
    while (decoder.next(envelope)) {
      ids.push_back(envelope.id());
    }
    decoder.feed(bytes(stream.substr(split)));
    while (decoder.next(envelope)) {
      ids.push_back(envelope.id());
    }
    ASSERT_EQ(ids, (std::vector<uint64_t>{1, 2, 3})) << "split at " << split;
    EXPECT_FALSE(decoder.failed());
    EXPECT_EQ(decoder.buffered_bytes(), 0u);
  }
}

TEST(Frame, RefusesALengthOverFourMegabytesBeforeBufferingIt) {
  FrameDecoder decoder;
  const uint8_t header[] = {0x00, 0x40, 0x00, 0x01};  // 4 MiB + 1
  decoder.feed(header);
  control::Envelope envelope;
  EXPECT_FALSE(decoder.next(envelope));
  EXPECT_EQ(decoder.error(), FrameError::kTooLarge);
  EXPECT_FALSE(decoder.feed(header)) << "a failed decoder takes no more input";
}

TEST(Frame, AcceptsExactlyFourMegabytes) {
  FrameDecoder decoder;
  const uint8_t header[] = {0x00, 0x40, 0x00, 0x00};
  decoder.feed(header);
  control::Envelope envelope;
  EXPECT_FALSE(decoder.next(envelope));
  EXPECT_FALSE(decoder.failed()) << "4 MiB is allowed; the decoder waits for the payload";
}

TEST(Frame, GarbagePayloadIsMalformed) {
  FrameDecoder decoder;
  const uint8_t frame[] = {0, 0, 0, 5, 0xff, 0xff, 0xff, 0xff, 0xff};
  decoder.feed(frame);
  control::Envelope envelope;
  EXPECT_FALSE(decoder.next(envelope));
  EXPECT_EQ(decoder.error(), FrameError::kMalformed);
}

TEST(Frame, StreamEndingInsideAFrameIsTruncated) {
  const std::string frame = encode_frame(hello_envelope(1));
  FrameDecoder decoder;
  decoder.feed(bytes(frame.substr(0, frame.size() - 1)));
  control::Envelope envelope;
  EXPECT_FALSE(decoder.next(envelope));
  EXPECT_FALSE(decoder.failed());
  decoder.finish();
  EXPECT_EQ(decoder.error(), FrameError::kTruncated);
}

TEST(Frame, CleanEndOfStreamIsNotAnError) {
  FrameDecoder decoder;
  decoder.feed(bytes(encode_frame(hello_envelope(1))));
  control::Envelope envelope;
  EXPECT_TRUE(decoder.next(envelope));
  decoder.finish();
  EXPECT_FALSE(decoder.failed());
}

TEST(Frame, EmptyPayloadIsAnEmptyEnvelope) {
  FrameDecoder decoder;
  const uint8_t frame[] = {0, 0, 0, 0};
  decoder.feed(frame);
  control::Envelope envelope;
  EXPECT_TRUE(decoder.next(envelope));
  EXPECT_EQ(envelope.body_case(), control::Envelope::BODY_NOT_SET);
}

}  // namespace
}  // namespace ringcast::proto
