#pragma once

// Classification of RTMP audio (type 8) and video (type 9) payloads, which are FLV tag bodies
// (FLV spec v10.1, E.4.2/E.4.3), including Enhanced RTMP v1 and v2 (ExHeader, FourCC codecs,
// multitrack, ModEx). The server never rewrites media: it only needs to know which payloads are
// sequence headers to cache and which frames are keyframes to start a player or a GOP cache on.

#include <cstdint>
#include <span>
#include <string_view>

namespace ringcast::rtmp {

constexpr uint32_t make_fourcc(const char (&s)[5]) {
  return (uint32_t{static_cast<uint8_t>(s[0])} << 24) |
         (uint32_t{static_cast<uint8_t>(s[1])} << 16) |
         (uint32_t{static_cast<uint8_t>(s[2])} << 8) | uint32_t{static_cast<uint8_t>(s[3])};
}

namespace fourcc {
inline constexpr uint32_t kAvc1 = make_fourcc("avc1");
inline constexpr uint32_t kHvc1 = make_fourcc("hvc1");
inline constexpr uint32_t kAv01 = make_fourcc("av01");
inline constexpr uint32_t kVp09 = make_fourcc("vp09");
inline constexpr uint32_t kVp08 = make_fourcc("vp08");
inline constexpr uint32_t kOpus = make_fourcc("Opus");
inline constexpr uint32_t kFlac = make_fourcc("fLaC");
inline constexpr uint32_t kMp4a = make_fourcc("mp4a");
inline constexpr uint32_t kAc3 = make_fourcc("ac-3");
inline constexpr uint32_t kEac3 = make_fourcc("ec-3");
inline constexpr uint32_t kMp3 = make_fourcc(".mp3");
}  // namespace fourcc

// FLV VideoTagHeader FrameType (4 bits legacy, 3 bits in the Enhanced RTMP header).
enum class VideoFrameType : uint8_t {
  kReserved = 0,
  kKey = 1,
  kInter = 2,
  kDisposableInter = 3,
  kGeneratedKey = 4,
  kCommand = 5,
};

// Enhanced RTMP VideoPacketType; legacy AVCPacketType 0/1/2 map onto the first three.
enum class VideoPacketType : uint8_t {
  kSequenceStart = 0,
  kCodedFrames = 1,
  kSequenceEnd = 2,
  kCodedFramesX = 3,
  kMetadata = 4,
  kMpeg2TsSequenceStart = 5,
  kMultitrack = 6,
  kModEx = 7,
};

// Enhanced RTMP v2 AudioPacketType; legacy AACPacketType 0/1 map onto the first two.
enum class AudioPacketType : uint8_t {
  kSequenceStart = 0,
  kCodedFrames = 1,
  kSequenceEnd = 2,
  kMultichannelConfig = 4,
  kMultitrack = 5,
  kModEx = 7,
};

enum class FlvError : uint8_t { kNone, kEmpty, kTruncated, kBadPacketType };
std::string_view to_string(FlvError error);

struct VideoTag {
  bool enhanced = false;
  VideoFrameType frame_type = VideoFrameType::kReserved;
  // Legacy CodecID (7 AVC, 12 HEVC as extended by Chinese CDNs); 0 when enhanced.
  uint8_t codec_id = 0;
  // Enhanced FourCC, or the FourCC of a legacy AVC/HEVC codec id; 0 for older legacy codecs.
  uint32_t fourcc = 0;
  // For multitrack payloads the packet type of the tracks inside.
  VideoPacketType packet_type = VideoPacketType::kCodedFrames;
  bool multitrack = false;
  // AVC/HEVC composition time offset (SI24), 0 when absent.
  int32_t composition_time = 0;

  bool sequence_header() const {
    return packet_type == VideoPacketType::kSequenceStart ||
           packet_type == VideoPacketType::kMpeg2TsSequenceStart;
  }
  // A coded keyframe a player can start decoding at (not a sequence header or command).
  bool keyframe() const {
    return (frame_type == VideoFrameType::kKey || frame_type == VideoFrameType::kGeneratedKey) &&
           (packet_type == VideoPacketType::kCodedFrames ||
            packet_type == VideoPacketType::kCodedFramesX);
  }
};

struct AudioTag {
  bool enhanced = false;
  // Legacy SoundFormat (10 AAC, 2 MP3, ...); 9 when enhanced.
  uint8_t sound_format = 0;
  // Enhanced FourCC, or mp4a/.mp3 for legacy AAC/MP3; 0 for other legacy formats.
  uint32_t fourcc = 0;
  AudioPacketType packet_type = AudioPacketType::kCodedFrames;
  bool multitrack = false;

  bool sequence_header() const { return packet_type == AudioPacketType::kSequenceStart; }
};

FlvError parse_video_tag(std::span<const uint8_t> payload, VideoTag& out);
FlvError parse_audio_tag(std::span<const uint8_t> payload, AudioTag& out);

}  // namespace ringcast::rtmp
