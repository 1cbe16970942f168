#include "rtmp/flv_file.hpp"

#include <fstream>
#include <iterator>
#include <stdexcept>

#include "rtmp/byte_io.hpp"

namespace ringcast::bench::rtmp {
namespace {

// FLV 10.1 E.2 and E.3: a 9-byte header, then PreviousTagSize0, then tags of an 11-byte header,
// the payload and a 4-byte PreviousTagSize.
constexpr size_t kFileHeaderLength = 9;
constexpr size_t kTagHeaderLength = 11;
constexpr size_t kPreviousTagSizeLength = 4;

}  // namespace

std::string_view to_string(FlvFileError error) {
  switch (error) {
    case FlvFileError::kNone:
      return "none";
    case FlvFileError::kNotFlv:
      return "not an FLV file";
    case FlvFileError::kTruncated:
      return "truncated tag";
    case FlvFileError::kEncrypted:
      return "encrypted tag";
    case FlvFileError::kNoMediaTags:
      return "no audio or video tags";
  }
  return "unknown";
}

FlvFileError parse_flv(std::vector<uint8_t> bytes, FlvFile& out) {
  out.bytes = std::move(bytes);
  out.tags.clear();
  const std::vector<uint8_t>& b = out.bytes;
  if (b.size() < kFileHeaderLength || b[0] != 'F' || b[1] != 'L' || b[2] != 'V') {
    return FlvFileError::kNotFlv;
  }
  const uint32_t header_length = ringcast::rtmp::load_be32(&b[5]);
  if (header_length < kFileHeaderLength || header_length > b.size()) {
    return FlvFileError::kNotFlv;
  }
  size_t pos = header_length + kPreviousTagSizeLength;
  bool media = false;
  while (pos < b.size()) {
    if (b.size() - pos < kTagHeaderLength) {
      return FlvFileError::kTruncated;
    }
    const uint8_t* h = &b[pos];
    // E.4.1: bit 5 is the filter (encryption) flag, the low five bits the tag type.
    if ((h[0] & 0x20) != 0) {
      return FlvFileError::kEncrypted;
    }
    FlvTag tag;
    tag.type = h[0] & 0x1F;
    tag.size = ringcast::rtmp::load_be24(h + 1);
    // The extension byte holds bits 24..31 of the timestamp.
    tag.timestamp = ringcast::rtmp::load_be24(h + 4) | (uint32_t{h[7]} << 24);
    tag.offset = pos + kTagHeaderLength;
    if (b.size() - tag.offset < tag.size) {
      return FlvFileError::kTruncated;
    }
    pos = tag.offset + tag.size + kPreviousTagSizeLength;
    if (tag.type == kFlvAudio || tag.type == kFlvVideo || tag.type == kFlvScript) {
      media = media || tag.type != kFlvScript;
      out.tags.push_back(tag);
    }
  }
  return media ? FlvFileError::kNone : FlvFileError::kNoMediaTags;
}

FlvFile load_flv(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot open " + path.string());
  }
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  FlvFile file;
  if (const FlvFileError error = parse_flv(std::move(bytes), file); error != FlvFileError::kNone) {
    throw std::runtime_error(path.string() + ": " + std::string(to_string(error)));
  }
  return file;
}

}  // namespace ringcast::bench::rtmp
