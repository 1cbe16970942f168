#include "sdp/sdp_parser.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "sdp/sdp_writer.hpp"
#include "sdp_test_data.hpp"

namespace ringcast::controlplane::sdp {
namespace {

using testing::parse_data;
using testing::read_data;

class CapturedSdpTest : public ::testing::TestWithParam<std::string> {};

TEST_P(CapturedSdpTest, ParsesAndRoundTrips) {
  const SdpResult<SessionDescription> parsed = parse_sdp(read_data(GetParam()));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  const SessionDescription& description = parsed.value();
  ASSERT_FALSE(description.media.empty());
  ASSERT_NE(description.bundle_group(), nullptr);
  for (const MediaSection& media : description.media) {
    EXPECT_FALSE(media.mid.empty());
    EXPECT_FALSE(description.ice_ufrag(media).empty());
    EXPECT_FALSE(description.ice_pwd(media).empty());
    ASSERT_FALSE(description.fingerprints(media).empty());
    EXPECT_EQ(description.fingerprints(media).front().algorithm, "sha-256");
    EXPECT_EQ(description.setup(media), SetupRole::kActpass);
  }
  // The writer's text parses back to the same model.
  const std::string written = write_sdp(description);
  const SdpResult<SessionDescription> reparsed = parse_sdp(written);
  ASSERT_TRUE(reparsed.ok()) << reparsed.error().message();
  EXPECT_EQ(reparsed.value(), description);
  EXPECT_EQ(write_sdp(reparsed.value()), written);
}

INSTANTIATE_TEST_SUITE_P(Offers, CapturedSdpTest, ::testing::ValuesIn(testing::publisher_offers()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param.substr(0, info.param.find(".sdp"));
                           std::replace_if(
                               name.begin(), name.end(),
                               [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); },
                               '_');
                           return name;
                         });

TEST(SdpParserTest, ChromiumPublishAv) {
  const SessionDescription offer = parse_data("chromium-156-publish-av.sdp");
  EXPECT_EQ(offer.origin.username, "-");
  EXPECT_TRUE(offer.extmap_allow_mixed);
  ASSERT_EQ(offer.bundle_group()->mids, (std::vector<std::string>{"0", "1"}));
  ASSERT_EQ(offer.media.size(), 2u);

  const MediaSection& audio = offer.media[0];
  EXPECT_EQ(audio.kind, MediaKind::kAudio);
  EXPECT_EQ(audio.protocol, "UDP/TLS/RTP/SAVPF");
  EXPECT_EQ(audio.direction, Direction::kSendOnly);
  EXPECT_TRUE(audio.rtcp_mux);
  EXPECT_TRUE(audio.rtcp_rsize);
  EXPECT_FALSE(audio.candidates.empty());
  const Codec* opus = audio.find_codec(111);
  ASSERT_NE(opus, nullptr);
  EXPECT_EQ(opus->name, "opus");
  EXPECT_EQ(opus->clock_rate, 48000u);
  EXPECT_EQ(opus->channels, 2u);
  EXPECT_EQ(opus->fmtp_parameter("useinbandfec"), "1");
  EXPECT_EQ(opus->feedback, (std::vector<RtcpFeedback>{{"transport-cc", ""}}));
  ASSERT_EQ(audio.ssrcs.size(), 1u);
  EXPECT_FALSE(audio.ssrcs[0].cname.empty());
  ASSERT_EQ(audio.msids.size(), 1u);
  EXPECT_EQ(audio.msids[0].stream_id + " " + audio.msids[0].track_id, audio.ssrcs[0].msid);

  const MediaSection& video = offer.media[1];
  EXPECT_EQ(video.kind, MediaKind::kVideo);
  const Codec* vp8 = video.find_codec(96);
  ASSERT_NE(vp8, nullptr);
  EXPECT_EQ(vp8->name, "VP8");
  EXPECT_EQ(vp8->feedback.size(), 5u);
  const Codec* rtx = video.find_rtx_for(96);
  ASSERT_NE(rtx, nullptr);
  EXPECT_EQ(rtx->payload_type, 97);
  ASSERT_EQ(video.ssrc_groups.size(), 1u);
  EXPECT_EQ(video.ssrc_groups[0].semantics, "FID");
  EXPECT_EQ(video.ssrc_groups[0].ssrcs.size(), 2u);
  const Extmap* mid = video.find_extmap("urn:ietf:params:rtp-hdrext:sdes:mid");
  ASSERT_NE(mid, nullptr);
  EXPECT_EQ(mid->id, 4);
}

TEST(SdpParserTest, ChromiumSimulcastRids) {
  const SessionDescription offer = parse_data("chromium-156-publish-simulcast.sdp");
  const MediaSection& video = offer.media[1];
  ASSERT_EQ(video.rids.size(), 3u);
  EXPECT_EQ(video.rids[0].id, "q");
  EXPECT_EQ(video.rids[0].direction, RidDirection::kSend);
  ASSERT_TRUE(video.simulcast.has_value());
  ASSERT_EQ(video.simulcast->send.size(), 3u);
  EXPECT_EQ(video.simulcast->send[2], (std::vector<SimulcastRid>{{"f", false}}));
  EXPECT_TRUE(video.simulcast->recv.empty());
  // Chromium announces no SSRC for rid-based simulcast: the rids identify the streams.
  EXPECT_TRUE(video.ssrcs.empty());
}

TEST(SdpParserTest, AiortcPerSectionCredentials) {
  const SessionDescription offer = parse_data("aiortc-1.4-publish-av.sdp");
  ASSERT_EQ(offer.media.size(), 2u);
  EXPECT_NE(offer.media[0].transport.ice_ufrag, offer.media[1].transport.ice_ufrag);
  EXPECT_TRUE(offer.media[0].end_of_candidates);
  EXPECT_FALSE(offer.media[0].rtcp_rsize);
  // Static payload types with an rtpmap and without.
  EXPECT_EQ(offer.media[0].find_codec(0)->name, "PCMU");
}

TEST(SdpParserTest, FirefoxSessionLevelFingerprintIsInherited) {
  const SessionDescription offer = parse_data("firefox-handwritten-publish-simulcast.sdp");
  ASSERT_EQ(offer.transport.fingerprints.size(), 1u);
  for (const MediaSection& media : offer.media) {
    EXPECT_TRUE(media.transport.fingerprints.empty());
    EXPECT_EQ(offer.fingerprints(media), offer.transport.fingerprints);
  }
  const MediaSection& audio = offer.media[0];
  ASSERT_EQ(audio.extmaps.size(), 3u);
  EXPECT_EQ(audio.extmaps[1].direction, Direction::kRecvOnly);
  EXPECT_EQ(audio.find_codec(9)->channels, 1u);
  EXPECT_EQ(offer.media[1].ssrc_groups.size(), 3u);
}

TEST(SdpParserTest, AcceptsLfAndMissingFinalNewline) {
  const std::string text = "v=0\no=- 1 2 IN IP4 127.0.0.1\ns=-\nt=0 0\nm=audio 9 RTP/AVP 0";
  const SdpResult<SessionDescription> parsed = parse_sdp(text);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  EXPECT_EQ(parsed.value().origin.session_version, 2u);
  ASSERT_EQ(parsed.value().media.size(), 1u);
  EXPECT_EQ(parsed.value().media[0].codecs[0].name, "PCMU");
  EXPECT_EQ(parsed.value().media[0].direction, Direction::kSendRecv);
}

TEST(SdpParserTest, WildcardFeedbackAndUnknownAttributesAreKept) {
  const std::string text =
      "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=x-custom:1\r\n"
      "m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\na=rtpmap:96 VP8/90000\r\na=rtpmap:97 VP9/90000\r\n"
      "a=rtcp-fb:* nack\r\na=fmtp:99 unknown=1\r\na=x-thing\r\nb=AS:300\r\n";
  const SessionDescription description = parse_sdp(text).value();
  EXPECT_EQ(description.other_attributes, (std::vector<Attribute>{{"x-custom", "1"}}));
  const MediaSection& video = description.media[0];
  for (const Codec& codec : video.codecs) {
    EXPECT_EQ(codec.feedback, (std::vector<RtcpFeedback>{{"nack", ""}}));
  }
  EXPECT_EQ(video.other_attributes, (std::vector<Attribute>{{"x-thing", std::nullopt}}));
}

TEST(SdpParserTest, SimulcastWithAlternativesPausedAndRecv) {
  const std::string text =
      "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n"
      "a=rid:a send pt=96;max-width=1280\r\na=rid:b send\r\na=rid:c recv\r\n"
      "a=simulcast:recv c send a,~b\r\n";
  const MediaSection media = parse_sdp(text).value().media[0];
  ASSERT_EQ(media.rids.size(), 3u);
  EXPECT_EQ(media.rids[0].payload_types, (std::vector<uint8_t>{96}));
  EXPECT_EQ(media.rids[0].restrictions, "max-width=1280");
  ASSERT_TRUE(media.simulcast);
  ASSERT_EQ(media.simulcast->send.size(), 1u);
  EXPECT_EQ(media.simulcast->send[0], (std::vector<SimulcastRid>{{"a", false}, {"b", true}}));
  EXPECT_EQ(media.simulcast->recv[0], (std::vector<SimulcastRid>{{"c", false}}));
}

TEST(SdpParserTest, OldFirefoxSimulcastSyntax) {
  const std::string text =
      "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n"
      "a=simulcast: send rid=a;b\r\n";
  const MediaSection media = parse_sdp(text).value().media[0];
  ASSERT_EQ(media.simulcast->send.size(), 2u);
  EXPECT_EQ(media.simulcast->send[1][0].rid, "b");
}

struct MalformedCase {
  const char* name;
  std::string text;
  const char* reason;  // a fragment of the error
  std::size_t line;
};

class MalformedSdpTest : public ::testing::TestWithParam<MalformedCase> {};

TEST_P(MalformedSdpTest, IsRefusedWithAReason) {
  const SdpResult<SessionDescription> parsed = parse_sdp(GetParam().text);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().reason.find(GetParam().reason), std::string::npos)
      << parsed.error().message();
  EXPECT_EQ(parsed.error().line, GetParam().line) << parsed.error().message();
  EXPECT_THROW((void)parsed.value(), SdpException);
}

const std::string kHead = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n";
const std::string kVideo = "m=video 9 UDP/TLS/RTP/SAVPF 96\r\n";

INSTANTIATE_TEST_SUITE_P(
    Cases, MalformedSdpTest,
    ::testing::Values(
        MalformedCase{"empty", "", "empty", 0},
        MalformedCase{"no_version", "o=- 1 1 IN IP4 0.0.0.0\r\n", "v=0", 1},
        MalformedCase{"bad_version", "v=1\r\n", "version 0", 1},
        MalformedCase{"not_a_line", kHead + "hello\r\n", "<type>=<value>", 5},
        MalformedCase{"no_origin", "v=0\r\ns=-\r\n", "no o= line", 0},
        MalformedCase{"short_origin", "v=0\r\no=- 1 1\r\n", "6 fields", 2},
        MalformedCase{"origin_version", "v=0\r\no=- 1 x IN IP4 0.0.0.0\r\n", "decimal", 2},
        MalformedCase{"m_port", kHead + "m=video 70000 UDP/TLS/RTP/SAVPF 96\r\n", "port", 5},
        MalformedCase{"m_short", kHead + "m=video 9\r\n", "protocol", 5},
        MalformedCase{"m_pt", kHead + "m=video 9 UDP/TLS/RTP/SAVPF 128\r\n", "0 to 127", 5},
        MalformedCase{"m_pt_twice", kHead + "m=video 9 UDP/TLS/RTP/SAVPF 96 96\r\n", "twice", 5},
        MalformedCase{"rtpmap", kHead + kVideo + "a=rtpmap:96 VP8\r\n", "rtpmap", 6},
        MalformedCase{"rtpmap_clock", kHead + kVideo + "a=rtpmap:96 VP8/fast\r\n", "clock", 6},
        MalformedCase{"extmap_id", kHead + kVideo + "a=extmap:0 urn:x\r\n", "1 to 255", 6},
        MalformedCase{"extmap_twice", kHead + kVideo + "a=extmap:1 urn:x\r\na=extmap:1 urn:y\r\n",
                      "twice", 7},
        MalformedCase{"extmap_direction", kHead + kVideo + "a=extmap:1/up urn:x\r\n", "direction",
                      6},
        MalformedCase{"ssrc", kHead + kVideo + "a=ssrc:4294967296 cname:x\r\n", "32-bit", 6},
        MalformedCase{"ssrc_group", kHead + kVideo + "a=ssrc-group:FID 1 x\r\n", "32-bit", 6},
        MalformedCase{"rid", kHead + kVideo + "a=rid:a sideways\r\n", "send|recv", 6},
        MalformedCase{"rid_id", kHead + kVideo + "a=rid:a.b send\r\n", "send|recv", 6},
        MalformedCase{"rid_twice", kHead + kVideo + "a=rid:a send\r\na=rid:a send\r\n", "twice", 7},
        MalformedCase{"simulcast", kHead + kVideo + "a=simulcast:sideways a\r\n", "directions", 6},
        MalformedCase{"simulcast_empty", kHead + kVideo + "a=simulcast:send a;;b\r\n", "not a rid",
                      6},
        MalformedCase{"setup", kHead + "a=setup:maybe\r\n", "actpass", 5},
        MalformedCase{"fingerprint", kHead + "a=fingerprint:sha-256 XY:12\r\n", "hex", 5},
        MalformedCase{"fingerprint_short", kHead + "a=fingerprint:sha-256\r\n", "hex", 5},
        MalformedCase{"ufrag", kHead + "a=ice-ufrag:\r\n", "ice-ufrag", 5},
        MalformedCase{"mid_twice", kHead + kVideo + "a=mid:0\r\n" + kVideo + "a=mid:0\r\n",
                      "two m-sections", 8},
        MalformedCase{"msid", kHead + kVideo + "a=msid:\r\n", "msid", 6},
        MalformedCase{"no_name", kHead + "a=:x\r\n", "without a name", 5},
        MalformedCase{"second_v", kHead + "v=0\r\n", "second v=", 5}),
    [](const ::testing::TestParamInfo<MalformedCase>& info) { return info.param.name; });

TEST(SdpParserTest, RefusesMoreThan64KiB) {
  std::string text = kHead + kVideo;
  while (text.size() <= kMaxSdpBytes) {
    text += "a=x-padding:0123456789abcdef0123456789abcdef\r\n";
  }
  const SdpResult<SessionDescription> parsed = parse_sdp(text);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().reason.find("limit"), std::string::npos);
}

TEST(SdpParserTest, RefusesMoreThan64MediaSections) {
  std::string text = kHead;
  for (std::size_t i = 0; i < kMaxMediaSections; ++i) {
    text += "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:" + std::to_string(i) + "\r\n";
  }
  ASSERT_TRUE(parse_sdp(text).ok());
  text += "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n";
  const SdpResult<SessionDescription> parsed = parse_sdp(text);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().reason.find("m-sections"), std::string::npos);
}

}  // namespace
}  // namespace ringcast::controlplane::sdp
