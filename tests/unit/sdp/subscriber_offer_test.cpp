#include "sdp/subscriber_offer_builder.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "sdp/answer_reader.hpp"
#include "sdp/sdp_writer.hpp"
#include "sdp_test_data.hpp"

namespace ringcast::controlplane::sdp {
namespace {

using testing::parse_data;
using testing::read_data;
using testing::test_local_transport;

const std::vector<RtcpFeedback> kVideoFeedback = {
    {"goog-remb", ""}, {"transport-cc", ""}, {"ccm", "fir"}, {"nack", ""}, {"nack", "pli"}};

ConsumerTrack audio_track(const std::string& participant, uint32_t ssrc) {
  ConsumerTrack track;
  track.kind = MediaKind::kAudio;
  track.stream_id = participant;
  track.track_id = participant + "-mic";
  track.cname = "ringcast-" + participant;
  track.ssrc = ssrc;
  track.codec = "opus";
  track.payload_type = 111;
  track.clock_rate = 48000;
  track.channels = 2;
  track.fmtp = "minptime=10;useinbandfec=1";
  track.feedback = {{"transport-cc", ""}};
  return track;
}

ConsumerTrack video_track(const std::string& participant, uint32_t ssrc, uint32_t rtx_ssrc) {
  ConsumerTrack track;
  track.kind = MediaKind::kVideo;
  track.stream_id = participant;
  track.track_id = participant + "-cam";
  track.cname = "ringcast-" + participant;
  track.ssrc = ssrc;
  track.rtx_ssrc = rtx_ssrc;
  track.codec = "VP8";
  track.payload_type = 96;
  track.clock_rate = 90000;
  track.rtx_payload_type = 97;
  track.feedback = kVideoFeedback;
  return track;
}

Origin offer_origin() {
  return Origin{"ringcast", "1152921504606846977", 1, "IN", "IP4", "127.0.0.1"};
}

// The offer the captured client answers were made for (tests/data/sdp/README.md): alice's
// audio and video.
SubscriberOfferBuilder fixture_builder() {
  SubscriberOfferBuilder builder(test_local_transport(), offer_origin());
  builder.add_track(audio_track("alice", 1111111111));
  builder.add_track(video_track("alice", 2222222222, 3333333333));
  return builder;
}

TEST(SubscriberOfferTest, MatchesTheCommittedFixture) {
  const std::string text = write_sdp(fixture_builder().build_offer());
  const char* update = std::getenv("RINGCAST_SDP_UPDATE_FIXTURES");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(testing::data_path("ringcast-subscriber-offer.sdp"), std::ios::binary) << text;
  }
  EXPECT_EQ(text, read_data("ringcast-subscriber-offer.sdp"))
      << "rerun with RINGCAST_SDP_UPDATE_FIXTURES=1 and recapture the answers if this is meant";
}

TEST(SubscriberOfferTest, OfferShape) {
  SubscriberOfferBuilder builder = fixture_builder();
  const SessionDescription offer = parse_sdp(write_sdp(builder.build_offer())).value();
  EXPECT_TRUE(offer.ice_lite);
  ASSERT_EQ(offer.media.size(), 2u);
  EXPECT_EQ(offer.bundle_group()->mids, (std::vector<std::string>{"0", "1"}));
  const MediaSection& audio = offer.media[0];
  EXPECT_EQ(audio.direction, Direction::kSendOnly);
  EXPECT_EQ(audio.transport.setup, SetupRole::kActpass);
  EXPECT_EQ(audio.msids, (std::vector<Msid>{{"alice", "alice-mic"}}));
  ASSERT_EQ(audio.ssrcs.size(), 1u);
  EXPECT_EQ(audio.ssrcs[0].cname, "ringcast-alice");
  EXPECT_NE(audio.find_extmap("urn:ietf:params:rtp-hdrext:ssrc-audio-level"), nullptr);
  const MediaSection& video = offer.media[1];
  EXPECT_EQ(video.formats, (std::vector<std::string>{"96", "97"}));
  EXPECT_EQ(video.find_rtx_for(96)->payload_type, 97);
  EXPECT_EQ(video.ssrc_groups, (std::vector<SsrcGroup>{{"FID", {2222222222, 3333333333}}}));
  EXPECT_EQ(video.ssrcs.size(), 2u);
  EXPECT_EQ(video.find_extmap("urn:ietf:params:rtp-hdrext:ssrc-audio-level"), nullptr);
  // Extension ids agree across the BUNDLE group.
  EXPECT_EQ(audio.find_extmap("urn:ietf:params:rtp-hdrext:sdes:mid")->id,
            video.find_extmap("urn:ietf:params:rtp-hdrext:sdes:mid")->id);
}

TEST(SubscriberOfferTest, RenegotiationKeepsOrderAndRecyclesAfterTheAnswer) {
  SubscriberOfferBuilder builder = fixture_builder();
  SessionDescription offer = builder.build_offer();
  EXPECT_EQ(offer.origin.session_version, 1u);
  builder.answer_applied();

  // Bob joins: two new m-sections at the end.
  const std::string bob_audio = builder.add_track(audio_track("bob", 4444));
  const std::string bob_video = builder.add_track(video_track("bob", 5555, 6666));
  EXPECT_EQ(bob_audio, "2");
  EXPECT_EQ(bob_video, "3");
  offer = builder.build_offer();
  EXPECT_EQ(offer.origin.session_version, 2u);
  ASSERT_EQ(offer.media.size(), 4u);
  // Every offer says actpass (aiortc refuses anything else); the client keeps its role.
  EXPECT_EQ(offer.media[0].transport.setup, SetupRole::kActpass);
  builder.answer_applied();

  // Alice leaves: her m-sections stay, with port 0 and inactive, out of the BUNDLE group.
  EXPECT_TRUE(builder.remove_track("0"));
  EXPECT_TRUE(builder.remove_track("1"));
  EXPECT_FALSE(builder.remove_track("1"));
  EXPECT_FALSE(builder.remove_track("9"));
  EXPECT_FALSE(builder.track("0").has_value());
  EXPECT_TRUE(builder.track("2").has_value());
  // Carol joins before that offer is answered: no slot can be recycled yet.
  EXPECT_EQ(builder.add_track(audio_track("carol", 7777)), "4");
  offer = parse_sdp(write_sdp(builder.build_offer())).value();
  ASSERT_EQ(offer.media.size(), 5u);
  EXPECT_EQ(offer.media[0].mid, "0");
  EXPECT_EQ(offer.media[0].port, 0);
  EXPECT_EQ(offer.media[0].direction, Direction::kInactive);
  EXPECT_EQ(offer.media[0].transport.ice_ufrag, test_local_transport().ice_ufrag);
  EXPECT_TRUE(offer.media[0].candidates.empty());
  EXPECT_EQ(offer.media[1].port, 0);
  EXPECT_EQ(offer.bundle_group()->mids, (std::vector<std::string>{"2", "3", "4"}));
  builder.answer_applied();

  // Dave joins after the removal was answered: he takes the first free slot, with a new mid.
  EXPECT_EQ(builder.add_track(video_track("dave", 8888, 9999)), "5");
  offer = builder.build_offer();
  ASSERT_EQ(offer.media.size(), 5u);
  EXPECT_EQ(offer.media[0].mid, "5");
  EXPECT_EQ(offer.media[0].kind, MediaKind::kVideo);
  EXPECT_NE(offer.media[0].port, 0);
  EXPECT_EQ(offer.media[1].mid, "1");
  EXPECT_EQ(offer.media[1].port, 0);
  EXPECT_EQ(offer.bundle_group()->mids, (std::vector<std::string>{"5", "2", "3", "4"}));
  EXPECT_EQ(builder.section_count(), 5u);
}

TEST(SubscriberOfferTest, ATrackRemovedBeforeAnyOfferLeavesNoTrace) {
  SubscriberOfferBuilder builder = fixture_builder();
  (void)builder.build_offer();
  const std::string erin = builder.add_track(audio_track("erin", 4242));
  EXPECT_TRUE(builder.remove_track(erin));
  EXPECT_EQ(builder.section_count(), 2u);
  const SessionDescription offer = builder.build_offer();
  ASSERT_EQ(offer.media.size(), 2u);
  EXPECT_EQ(offer.bundle_group()->mids, (std::vector<std::string>{"0", "1"}));
  // The mid is spent all the same.
  EXPECT_EQ(builder.add_track(audio_track("frank", 4343)), "3");
}

TEST(SubscriberOfferTest, EmptyOfferHasNoBundle) {
  SubscriberOfferBuilder builder(test_local_transport(), offer_origin());
  const SessionDescription offer = builder.build_offer();
  EXPECT_TRUE(offer.media.empty());
  EXPECT_EQ(offer.bundle_group(), nullptr);
  EXPECT_TRUE(parse_sdp(write_sdp(offer)).ok());
}

class CapturedAnswerTest : public ::testing::TestWithParam<std::string> {};

// Real clients' answers to ringcast-subscriber-offer.sdp.
TEST_P(CapturedAnswerTest, ReadsTheClientsAnswer) {
  const SessionDescription offer = parse_data("ringcast-subscriber-offer.sdp");
  const SessionDescription answer = parse_data(GetParam());
  const SdpResult<SubscriberAnswer> read = read_subscriber_answer(offer, answer);
  ASSERT_TRUE(read.ok()) << read.error().message();
  const SubscriberAnswer& result = read.value();
  EXPECT_FALSE(result.transport.ice_ufrag.empty());
  EXPECT_FALSE(result.transport.ice_pwd.empty());
  ASSERT_FALSE(result.transport.fingerprints.empty());
  EXPECT_EQ(result.transport.fingerprints[0].algorithm, "sha-256");
  // Both clients answer actpass with active: they are the DTLS client, we the server.
  EXPECT_EQ(result.transport.answer_setup, SetupRole::kActive);
  EXPECT_EQ(result.transport.local_role, DtlsRole::kServer);
  EXPECT_EQ(result.transport.remote_role, DtlsRole::kClient);
  ASSERT_EQ(result.media.size(), 2u);
  EXPECT_TRUE(result.media[0].accepted);
  EXPECT_EQ(result.media[0].direction, Direction::kRecvOnly);
  EXPECT_EQ(result.media[0].payload_type, 111);
  EXPECT_EQ(result.media[0].header_extensions.mid, 1);
  EXPECT_TRUE(result.media[1].accepted);
  EXPECT_EQ(result.media[1].direction, Direction::kRecvOnly);
  EXPECT_EQ(result.media[1].payload_type, 96);
  EXPECT_EQ(result.media[1].header_extensions.mid, 1);
}

INSTANTIATE_TEST_SUITE_P(Clients, CapturedAnswerTest,
                         ::testing::Values("chromium-156-answer-subscriber.sdp",
                                           "aiortc-1.4-answer-subscriber.sdp"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param.substr(0, info.param.find('-'));
                         });

TEST(AnswerReaderTest, ChromiumKeepsRtxAndTransportCc) {
  const SubscriberAnswer read =
      read_subscriber_answer(parse_data("ringcast-subscriber-offer.sdp"),
                             parse_data("chromium-156-answer-subscriber.sdp"))
          .value();
  EXPECT_EQ(read.media[1].rtx_payload_type, 97);
  EXPECT_NE(read.media[1].header_extensions.transport_cc, 0);
  EXPECT_NE(read.media[0].header_extensions.audio_level, 0);
}

SdpResult<SubscriberAnswer> read_edited(const std::function<void(SessionDescription&)>& edit) {
  SessionDescription answer = parse_data("chromium-156-answer-subscriber.sdp");
  edit(answer);
  return read_subscriber_answer(parse_data("ringcast-subscriber-offer.sdp"), answer);
}

TEST(AnswerReaderTest, RefusesAnswersThatBreakRfc3264) {
  const auto fails_with = [](const SdpResult<SubscriberAnswer>& result, const char* fragment) {
    ASSERT_FALSE(result.ok());
    EXPECT_NE(result.error().reason.find(fragment), std::string::npos) << result.error().reason;
  };
  fails_with(read_edited([](SessionDescription& a) { a.media.pop_back(); }), "m-sections");
  fails_with(read_edited([](SessionDescription& a) { a.media[1].mid = "x"; }), "mid");
  fails_with(read_edited([](SessionDescription& a) { a.media[1].codecs[0].payload_type = 120; }),
             "not offered");
  fails_with(read_edited([](SessionDescription& a) { a.media[0].extmaps[0].id = 14; }),
             "not offered with that id");
  fails_with(read_edited([](SessionDescription& a) {
               a.transport.setup = SetupRole::kActpass;
               for (MediaSection& m : a.media) {
                 m.transport.setup = SetupRole::kActpass;
               }
             }),
             "active or passive");
  fails_with(read_edited([](SessionDescription& a) {
               a.transport.fingerprints.clear();
               for (MediaSection& m : a.media) {
                 m.transport.fingerprints.clear();
               }
             }),
             "fingerprint");
}

TEST(AnswerReaderTest, RejectedSectionsAndPassiveClients) {
  const SubscriberAnswer read = read_edited([](SessionDescription& a) {
                                  a.media[1].port = 0;
                                  for (MediaSection& m : a.media) {
                                    m.transport.setup = SetupRole::kPassive;
                                  }
                                }).value();
  EXPECT_TRUE(read.media[0].accepted);
  EXPECT_FALSE(read.media[1].accepted);
  EXPECT_EQ(read.transport.local_role, DtlsRole::kClient);
  EXPECT_EQ(read.transport.remote_role, DtlsRole::kServer);
}

}  // namespace
}  // namespace ringcast::controlplane::sdp
