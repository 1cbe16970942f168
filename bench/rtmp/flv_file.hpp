#pragma once

// A small FLV file reader (FLV specification v10.1, annex E): the tags of a pre-encoded file, so
// the benchmark's publisher sends real audio/video messages with their real timing and costs
// almost nothing (no encoder on the load core).

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ringcast::bench::rtmp {

// FLV tag types, which are also the RTMP message type ids of the same payloads.
inline constexpr uint8_t kFlvAudio = 8;
inline constexpr uint8_t kFlvVideo = 9;
inline constexpr uint8_t kFlvScript = 18;

struct FlvTag {
  uint8_t type = 0;
  uint32_t timestamp = 0;  // milliseconds (24 bits plus the extension byte)
  // Where the payload lives in FlvFile::bytes.
  size_t offset = 0;
  uint32_t size = 0;
};

enum class FlvFileError : uint8_t {
  kNone,
  kNotFlv,       // no "FLV" signature or a header length below 9
  kTruncated,    // a tag runs past the end of the file
  kEncrypted,    // the filter bit is set (FLV 10.1 E.4.1): payloads are not plain
  kNoMediaTags,  // no audio or video tag at all
};
std::string_view to_string(FlvFileError error);

struct FlvFile {
  std::vector<uint8_t> bytes;
  std::vector<FlvTag> tags;

  std::span<const uint8_t> payload(const FlvTag& tag) const {
    return std::span<const uint8_t>(bytes).subspan(tag.offset, tag.size);
  }
};

// Parses an FLV image. Tags of unknown types are skipped; a trailing partial tag is an error
// (ffmpeg always finishes a file it wrote with -t).
FlvFileError parse_flv(std::vector<uint8_t> bytes, FlvFile& out);

// Reads and parses `path`; throws std::runtime_error naming the file on failure.
FlvFile load_flv(const std::filesystem::path& path);

}  // namespace ringcast::bench::rtmp
