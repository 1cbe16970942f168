#include "sdp/answer_builder.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "sdp/answer_reader.hpp"
#include "sdp/offer_mapper.hpp"
#include "sdp/sdp_writer.hpp"
#include "sdp_test_data.hpp"

namespace ringcast::controlplane::sdp {
namespace {

using testing::parse_data;
using testing::test_local_transport;

Origin answer_origin() {
  return Origin{"ringcast", "4611686018427387905", 1, "IN", "IP4", "127.0.0.1"};
}

class PublishAnswerTest : public ::testing::TestWithParam<std::string> {};

// Parse, map, answer, write, parse the answer again and check it against the offer and plan.
TEST_P(PublishAnswerTest, AnswerIsSelfConsistent) {
  const SessionDescription offer = parse_data(GetParam());
  const PublishPlan plan = offer_to_produce(offer).value();
  const LocalTransport local = test_local_transport();
  const std::string text = write_sdp(build_publish_answer(offer, plan, local, answer_origin()));
  const SdpResult<SessionDescription> reparsed = parse_sdp(text);
  ASSERT_TRUE(reparsed.ok()) << reparsed.error().message() << "\n" << text;
  const SessionDescription& answer = reparsed.value();

  EXPECT_TRUE(answer.ice_lite);
  ASSERT_EQ(answer.media.size(), offer.media.size());
  const Group* offer_bundle = offer.bundle_group();
  const Group* bundle = answer.bundle_group();
  ASSERT_NE(bundle, nullptr);
  ASSERT_FALSE(bundle->mids.empty());
  EXPECT_EQ(bundle->mids.front(), offer_bundle->mids.front());

  for (std::size_t i = 0; i < answer.media.size(); ++i) {
    const MediaSection& offered = offer.media[i];
    const MediaSection& answered = answer.media[i];
    const MediaPlan& media_plan = plan.media[i];
    SCOPED_TRACE("mid " + offered.mid);
    EXPECT_EQ(answered.mid, offered.mid);
    EXPECT_EQ(answered.media, offered.media);
    const bool in_bundle =
        std::find(bundle->mids.begin(), bundle->mids.end(), answered.mid) != bundle->mids.end();
    if (media_plan.disposition == MediaDisposition::kRejected) {
      EXPECT_EQ(answered.port, 0);
      EXPECT_FALSE(in_bundle);
      continue;
    }
    EXPECT_TRUE(in_bundle);
    EXPECT_EQ(answered.port, 40000);
    EXPECT_EQ(answered.connection, "IN IP4 127.0.0.1");
    EXPECT_EQ(answered.transport.ice_ufrag, local.ice_ufrag);
    EXPECT_EQ(answered.transport.ice_pwd, local.ice_pwd);
    EXPECT_EQ(answered.transport.fingerprints, local.fingerprints);
    EXPECT_EQ(answered.transport.setup, SetupRole::kPassive);
    EXPECT_EQ(answered.candidates,
              (std::vector<std::string>{"1 1 udp 2130706431 127.0.0.1 40000 typ host"}));
    EXPECT_TRUE(answered.end_of_candidates);
    EXPECT_TRUE(answered.rtcp_mux);
    EXPECT_EQ(answered.rtcp_rsize, offered.rtcp_rsize);
    EXPECT_EQ(answered.direction, media_plan.disposition == MediaDisposition::kProduce
                                      ? Direction::kRecvOnly
                                      : Direction::kInactive);
    // The chosen codec, then its RTX, nothing else.
    const ProducePlan& produce = media_plan.produce;
    ASSERT_FALSE(answered.codecs.empty());
    EXPECT_EQ(answered.codecs[0].payload_type, produce.payload_type);
    EXPECT_EQ(answered.codecs[0].name, produce.codec);
    EXPECT_EQ(answered.codecs[0].feedback, produce.feedback);
    EXPECT_EQ(answered.codecs.size(), produce.rtx_payload_type != 0 ? 2u : 1u);
    if (produce.rtx_payload_type != 0) {
      EXPECT_TRUE(answered.codecs[1].is_rtx());
      EXPECT_EQ(answered.codecs[1].rtx_apt(), produce.payload_type);
    }
    for (const Extmap& extmap : answered.extmaps) {
      const Extmap* ours = offered.find_extmap(extmap.uri);
      ASSERT_NE(ours, nullptr) << extmap.uri;
      EXPECT_EQ(ours->id, extmap.id);
    }
    if (produce.simulcast_by_rid) {
      ASSERT_TRUE(answered.simulcast.has_value());
      ASSERT_EQ(answered.simulcast->recv.size(), produce.encodings.size());
      ASSERT_EQ(answered.rids.size(), produce.encodings.size());
      for (std::size_t j = 0; j < produce.encodings.size(); ++j) {
        EXPECT_EQ(answered.simulcast->recv[j][0].rid, produce.encodings[j].rid);
        EXPECT_EQ(answered.rids[j].id, produce.encodings[j].rid);
        EXPECT_EQ(answered.rids[j].direction, RidDirection::kRecv);
      }
      EXPECT_TRUE(answered.simulcast->send.empty());
    } else {
      EXPECT_FALSE(answered.simulcast.has_value());
      EXPECT_TRUE(answered.rids.empty());
    }
  }

  // The generic answer checks (same m-sections and mids, only offered payload types and
  // extension ids) hold, and they read back our transport and our passive role.
  const SdpResult<SubscriberAnswer> read = read_subscriber_answer(offer, answer);
  ASSERT_TRUE(read.ok()) << read.error().message();
  EXPECT_EQ(read.value().transport.ice_ufrag, local.ice_ufrag);
  EXPECT_EQ(read.value().transport.answer_setup, SetupRole::kPassive);
  EXPECT_EQ(read.value().transport.remote_role, DtlsRole::kServer);
}

INSTANTIATE_TEST_SUITE_P(Offers, PublishAnswerTest,
                         ::testing::ValuesIn(testing::publisher_offers()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param.substr(0, info.param.find(".sdp"));
                           std::replace_if(
                               name.begin(), name.end(),
                               [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); },
                               '_');
                           return name;
                         });

TEST(PublishAnswerTest, SimulcastAnswerText) {
  const SessionDescription offer = parse_data("chromium-156-publish-simulcast.sdp");
  const std::string text = write_sdp(build_publish_answer(offer, offer_to_produce(offer).value(),
                                                          test_local_transport(), answer_origin()));
  EXPECT_NE(text.find("a=ice-lite\r\n"), std::string::npos);
  EXPECT_NE(text.find("a=group:BUNDLE 0 1\r\n"), std::string::npos);
  EXPECT_NE(text.find("m=video 40000 UDP/TLS/RTP/SAVPF 96 97\r\n"), std::string::npos);
  EXPECT_NE(text.find("a=rid:q recv\r\na=rid:h recv\r\na=rid:f recv\r\na=simulcast:recv q;h;f\r\n"),
            std::string::npos);
  EXPECT_NE(text.find("a=setup:passive\r\n"), std::string::npos);
  EXPECT_NE(text.find("a=end-of-candidates\r\n"), std::string::npos);
}

TEST(PublishAnswerTest, DataChannelIsRejectedWithPortZero) {
  const SessionDescription offer = parse_data("chromium-156-publish-av-datachannel.sdp");
  const SessionDescription answer = build_publish_answer(offer, offer_to_produce(offer).value(),
                                                         test_local_transport(), answer_origin());
  const std::string text = write_sdp(answer);
  EXPECT_NE(text.find("m=application 0 UDP/DTLS/SCTP webrtc-datachannel\r\n"), std::string::npos);
  EXPECT_EQ(answer.bundle_group()->mids, (std::vector<std::string>{"0", "1"}));
}

TEST(PublishAnswerTest, NeedsACandidateAndTheMatchingPlan) {
  const SessionDescription offer = parse_data("chromium-156-publish-av.sdp");
  const PublishPlan plan = offer_to_produce(offer).value();
  LocalTransport local = test_local_transport();
  local.candidates.clear();
  EXPECT_THROW(build_publish_answer(offer, plan, local, answer_origin()), std::invalid_argument);
  const SessionDescription other = parse_data("chromium-156-publish-av-datachannel.sdp");
  EXPECT_THROW(build_publish_answer(other, plan, test_local_transport(), answer_origin()),
               std::invalid_argument);
}

TEST(PublishAnswerTest, Ipv6Candidate) {
  const SessionDescription offer = parse_data("aiortc-1.4-publish-av.sdp");
  LocalTransport local = test_local_transport();
  local.candidates[0].ip = "2001:db8::7";
  const SessionDescription answer =
      build_publish_answer(offer, offer_to_produce(offer).value(), local, answer_origin());
  EXPECT_EQ(answer.media[0].connection, "IN IP6 2001:db8::7");
  EXPECT_EQ(answer.media[0].candidates[0], "1 1 udp 2130706431 2001:db8::7 40000 typ host");
}

}  // namespace
}  // namespace ringcast::controlplane::sdp
