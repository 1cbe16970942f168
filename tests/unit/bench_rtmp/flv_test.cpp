#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "rtmp/flv_file.hpp"
#include "rtmp/flv_loop.hpp"

namespace ringcast::bench::rtmp {
namespace {

// FLV payloads as ffmpeg writes them for H.264 + AAC.
const std::vector<uint8_t> kAvcSequenceHeader = {0x17, 0x00, 0, 0, 0, 1, 2, 3};
const std::vector<uint8_t> kAvcKeyframe = {0x17, 0x01, 0, 0, 0, 9, 9, 9, 9};
const std::vector<uint8_t> kAvcInter = {0x27, 0x01, 0, 0, 0, 8, 8};
const std::vector<uint8_t> kAvcEndOfSequence = {0x17, 0x02, 0, 0, 0};
const std::vector<uint8_t> kAacSequenceHeader = {0xAF, 0x00, 0x11, 0x90};
const std::vector<uint8_t> kAacFrame = {0xAF, 0x01, 7, 7, 7};
const std::vector<uint8_t> kScript = {0x02, 0x00, 0x0A, 'o', 'n', 'M', 'e',
                                      't',  'a',  'D',  'a', 't', 'a', 0x05};

class FlvBuilder {
 public:
  FlvBuilder() { bytes_ = {'F', 'L', 'V', 1, 0x05, 0, 0, 0, 9, 0, 0, 0, 0}; }
  FlvBuilder& tag(uint8_t type, uint32_t timestamp, const std::vector<uint8_t>& payload) {
    const size_t start = bytes_.size();
    bytes_.push_back(type);
    push24(static_cast<uint32_t>(payload.size()));
    push24(timestamp & 0xFFFFFF);
    bytes_.push_back(static_cast<uint8_t>(timestamp >> 24));
    push24(0);
    bytes_.insert(bytes_.end(), payload.begin(), payload.end());
    const auto previous = static_cast<uint32_t>(bytes_.size() - start);
    bytes_.push_back(static_cast<uint8_t>(previous >> 24));
    push24(previous);
    return *this;
  }
  std::vector<uint8_t> bytes() const { return bytes_; }

 private:
  void push24(uint32_t v) {
    bytes_.push_back(static_cast<uint8_t>(v >> 16));
    bytes_.push_back(static_cast<uint8_t>(v >> 8));
    bytes_.push_back(static_cast<uint8_t>(v));
  }
  std::vector<uint8_t> bytes_;
};

// A 3-frame stream at 40 ms per frame: script, sequence headers, frames, end of sequence.
FlvFile sample_file() {
  FlvBuilder builder;
  builder.tag(kFlvScript, 0, kScript)
      .tag(kFlvVideo, 0, kAvcSequenceHeader)
      .tag(kFlvAudio, 0, kAacSequenceHeader)
      .tag(kFlvVideo, 0, kAvcKeyframe)
      .tag(kFlvAudio, 10, kAacFrame)
      .tag(kFlvVideo, 40, kAvcInter)
      .tag(kFlvAudio, 50, kAacFrame)
      .tag(kFlvVideo, 80, kAvcInter)
      .tag(kFlvVideo, 80, kAvcEndOfSequence);
  FlvFile file;
  EXPECT_EQ(parse_flv(builder.bytes(), file), FlvFileError::kNone);
  return file;
}

TEST(FlvFileTest, ReadsTagsWithTypesTimestampsAndPayloads) {
  const FlvFile file = sample_file();
  ASSERT_EQ(file.tags.size(), 9u);
  EXPECT_EQ(file.tags[0].type, kFlvScript);
  EXPECT_EQ(file.tags[5].type, kFlvVideo);
  EXPECT_EQ(file.tags[5].timestamp, 40u);
  const std::span<const uint8_t> payload = file.payload(file.tags[5]);
  EXPECT_EQ(std::vector<uint8_t>(payload.begin(), payload.end()), kAvcInter);
}

TEST(FlvFileTest, ExtendedTimestampByteIsTheHighByte) {
  FlvBuilder builder;
  builder.tag(kFlvAudio, 0x12345678, kAacFrame);
  FlvFile file;
  ASSERT_EQ(parse_flv(builder.bytes(), file), FlvFileError::kNone);
  EXPECT_EQ(file.tags[0].timestamp, 0x12345678u);
}

TEST(FlvFileTest, RejectsWhatIsNotAPlainCompleteFlv) {
  FlvFile file;
  EXPECT_EQ(parse_flv({'F', 'L', 'X', 1, 5, 0, 0, 0, 9, 0, 0, 0, 0}, file), FlvFileError::kNotFlv);
  EXPECT_EQ(parse_flv({'F', 'L', 'V'}, file), FlvFileError::kNotFlv);

  std::vector<uint8_t> truncated = FlvBuilder().tag(kFlvVideo, 0, kAvcKeyframe).bytes();
  for (size_t cut = 14; cut < truncated.size() - 4; ++cut) {
    EXPECT_EQ(parse_flv({truncated.begin(), truncated.begin() + static_cast<long>(cut)}, file),
              FlvFileError::kTruncated)
        << "cut at " << cut;
  }

  std::vector<uint8_t> encrypted = FlvBuilder().tag(kFlvVideo, 0, kAvcKeyframe).bytes();
  encrypted[13] |= 0x20;
  EXPECT_EQ(parse_flv(encrypted, file), FlvFileError::kEncrypted);

  EXPECT_EQ(parse_flv(FlvBuilder().tag(kFlvScript, 0, kScript).bytes(), file),
            FlvFileError::kNoMediaTags);
}

TEST(FlvLoopTest, RepeatsWithIncreasingTimestampsAndSendsHeadersOnce) {
  const FlvFile file = sample_file();
  FlvLoop loop(file);
  // Last media timestamp 80 + the median video spacing 40.
  EXPECT_EQ(loop.period_ms(), 120u);
  EXPECT_EQ(loop.media_bytes_per_period(),
            kAvcKeyframe.size() + 2 * kAvcInter.size() + 2 * kAacFrame.size());

  // First repetition: script, both sequence headers, five frames; never the end of sequence.
  std::vector<ScheduledTag> first;
  for (int i = 0; i < 8; ++i) {
    first.push_back(loop.next());
  }
  EXPECT_EQ(first[0].tag->type, kFlvScript);
  EXPECT_EQ(first[1].tag, &file.tags[1]);
  EXPECT_EQ(first[7].tag, &file.tags[7]);
  EXPECT_EQ(first[7].timestamp_ms, 80u);

  // Second repetition: frames only, shifted by one period.
  const ScheduledTag keyframe = loop.next();
  EXPECT_EQ(keyframe.tag, &file.tags[3]);
  EXPECT_EQ(keyframe.repetition, 1u);
  EXPECT_EQ(keyframe.timestamp_ms, 120u);
  uint64_t last = keyframe.timestamp_ms;
  for (int i = 0; i < 40; ++i) {
    const ScheduledTag next = loop.next();
    EXPECT_NE(next.tag->type, kFlvScript);
    EXPECT_NE(next.tag, &file.tags[1]);
    EXPECT_NE(next.tag, &file.tags[2]);
    EXPECT_NE(next.tag, &file.tags[8]);
    EXPECT_GE(next.timestamp_ms, last);
    last = next.timestamp_ms;
  }
}

TEST(FlvLoopTest, NominalRateIsMediaBytesPerPeriod) {
  const FlvFile file = sample_file();
  const FlvLoop loop(file);
  EXPECT_DOUBLE_EQ(loop.media_bits_per_second(),
                   double(loop.media_bytes_per_period()) * 8 * 1000 / 120);
}

TEST(FlvLoopTest, AFileOfSequenceHeadersOnlyIsRefused) {
  FlvFile file;
  ASSERT_EQ(parse_flv(FlvBuilder().tag(kFlvVideo, 0, kAvcSequenceHeader).bytes(), file),
            FlvFileError::kNone);
  EXPECT_THROW(FlvLoop{file}, std::invalid_argument);
}

}  // namespace
}  // namespace ringcast::bench::rtmp
