#include "sdp/offer_mapper.hpp"

#include <gtest/gtest.h>

#include "sdp/produce_request.hpp"
#include "sdp/rtp_extension_uris.hpp"
#include "sdp_test_data.hpp"

namespace ringcast::controlplane::sdp {
namespace {

using testing::parse_data;

PublishPlan map(const std::string& name) {
  const SdpResult<PublishPlan> plan = offer_to_produce(parse_data(name));
  if (!plan.ok()) {
    ADD_FAILURE() << name << ": " << plan.error().message();
  }
  return plan.value();
}

TEST(OfferMapperTest, ChromiumPublishAv) {
  const SessionDescription offer = parse_data("chromium-156-publish-av.sdp");
  const PublishPlan plan = map("chromium-156-publish-av.sdp");
  EXPECT_EQ(plan.transport.ice_ufrag, offer.media[0].transport.ice_ufrag);
  EXPECT_EQ(plan.transport.ice_pwd, offer.media[0].transport.ice_pwd);
  ASSERT_EQ(plan.transport.fingerprints.size(), 1u);
  EXPECT_EQ(plan.transport.fingerprints[0].algorithm, "sha-256");
  EXPECT_EQ(plan.transport.answer_setup, SetupRole::kPassive);
  EXPECT_EQ(plan.transport.local_role, DtlsRole::kServer);
  EXPECT_EQ(plan.transport.remote_role, DtlsRole::kClient);

  const std::vector<const ProducePlan*> produces = plan.produces();
  ASSERT_EQ(produces.size(), 2u);
  const ProducePlan& audio = *produces[0];
  EXPECT_EQ(audio.mid, "0");
  EXPECT_EQ(audio.kind, MediaKind::kAudio);
  EXPECT_EQ(audio.codec, "opus");
  EXPECT_EQ(audio.payload_type, 111);
  EXPECT_EQ(audio.clock_rate, 48000u);
  EXPECT_EQ(audio.rtx_payload_type, 0);
  ASSERT_EQ(audio.encodings.size(), 1u);
  EXPECT_EQ(audio.encodings[0].ssrc, offer.media[0].ssrcs[0].ssrc);
  EXPECT_EQ(audio.encodings[0].rtx_ssrc, 0u);
  EXPECT_EQ(audio.header_extensions.mid, 4);
  EXPECT_EQ(audio.header_extensions.audio_level, 1);
  EXPECT_EQ(audio.header_extensions.transport_cc, 3);
  EXPECT_EQ(audio.header_extensions.abs_send_time, 2);
  EXPECT_EQ(audio.header_extensions.rid, 0);
  EXPECT_EQ(audio.stream_id, offer.media[0].msids[0].stream_id);
  EXPECT_FALSE(audio.cname.empty());

  const ProducePlan& video = *produces[1];
  EXPECT_EQ(video.codec, "VP8");
  EXPECT_EQ(video.payload_type, 96);
  EXPECT_EQ(video.rtx_payload_type, 97);
  ASSERT_EQ(video.encodings.size(), 1u);
  EXPECT_EQ(video.encodings[0].ssrc, offer.media[1].ssrc_groups[0].ssrcs[0]);
  EXPECT_EQ(video.encodings[0].rtx_ssrc, offer.media[1].ssrc_groups[0].ssrcs[1]);
  EXPECT_FALSE(video.simulcast_by_rid);
  EXPECT_EQ(video.header_extensions.rid, 10);
  EXPECT_EQ(video.header_extensions.repaired_rid, 11);
  EXPECT_EQ(video.header_extensions.audio_level, 0);
  // Only what the data plane understands: no toffset, video-orientation, playout-delay...
  for (const Extmap& extmap : video.extmaps) {
    EXPECT_TRUE(is_supported_extension(MediaKind::kVideo, extmap.uri)) << extmap.uri;
  }
  EXPECT_EQ(video.extmaps.size(), 5u);
  EXPECT_EQ(video.feedback.size(), 5u);
}

TEST(OfferMapperTest, ChromiumSimulcastHasThreeRidLayers) {
  const PublishPlan plan = map("chromium-156-publish-simulcast.sdp");
  const std::vector<const ProducePlan*> produces = plan.produces();
  ASSERT_EQ(produces.size(), 2u);
  const ProducePlan& video = *produces[1];
  EXPECT_TRUE(video.simulcast_by_rid);
  ASSERT_EQ(video.encodings.size(), 3u);
  EXPECT_EQ(video.encodings[0], (EncodingPlan{"q", 0, 0, false}));
  EXPECT_EQ(video.encodings[1], (EncodingPlan{"h", 0, 0, false}));
  EXPECT_EQ(video.encodings[2], (EncodingPlan{"f", 0, 0, false}));
  EXPECT_EQ(video.header_extensions.rid, 10);
  EXPECT_EQ(video.header_extensions.repaired_rid, 11);
  EXPECT_EQ(video.header_extensions.mid, 4);
}

TEST(OfferMapperTest, ChromiumScreenShareIsASecondVideoProducer) {
  const SessionDescription offer = parse_data("chromium-156-publish-screenshare.sdp");
  const PublishPlan plan = map("chromium-156-publish-screenshare.sdp");
  const std::vector<const ProducePlan*> produces = plan.produces();
  ASSERT_EQ(produces.size(), 3u);
  EXPECT_EQ(produces[1]->kind, MediaKind::kVideo);
  EXPECT_EQ(produces[2]->kind, MediaKind::kVideo);
  EXPECT_NE(produces[1]->stream_id, produces[2]->stream_id);
  EXPECT_NE(produces[1]->encodings[0].ssrc, produces[2]->encodings[0].ssrc);
  EXPECT_EQ(produces[2]->mid, offer.media[2].mid);
}

TEST(OfferMapperTest, ChromiumDataChannelIsRejected) {
  const PublishPlan plan = map("chromium-156-publish-av-datachannel.sdp");
  ASSERT_EQ(plan.media.size(), 3u);
  EXPECT_EQ(plan.media[2].disposition, MediaDisposition::kRejected);
  EXPECT_NE(plan.media[2].reason.find("application"), std::string::npos);
  EXPECT_EQ(plan.produces().size(), 2u);
}

TEST(OfferMapperTest, ChromiumRecvonlyIsInactive) {
  const PublishPlan plan = map("chromium-156-recvonly.sdp");
  ASSERT_EQ(plan.media.size(), 2u);
  EXPECT_EQ(plan.media[0].disposition, MediaDisposition::kInactive);
  EXPECT_EQ(plan.media[1].disposition, MediaDisposition::kInactive);
  EXPECT_EQ(plan.media[0].produce.codec, "opus");
  EXPECT_EQ(plan.media[1].produce.codec, "VP8");
  EXPECT_TRUE(plan.produces().empty());
}

TEST(OfferMapperTest, AiortcTakesTheBundleTaggedCredentials) {
  const SessionDescription offer = parse_data("aiortc-1.4-publish-av.sdp");
  const PublishPlan plan = map("aiortc-1.4-publish-av.sdp");
  EXPECT_EQ(plan.transport.ice_ufrag, offer.media[0].transport.ice_ufrag);
  const std::vector<const ProducePlan*> produces = plan.produces();
  ASSERT_EQ(produces.size(), 2u);
  EXPECT_EQ(produces[0]->codec, "opus");
  EXPECT_EQ(produces[0]->payload_type, 96);
  EXPECT_EQ(produces[0]->header_extensions.audio_level, 2);
  EXPECT_EQ(produces[1]->codec, "VP8");
  EXPECT_EQ(produces[1]->rtx_payload_type, 98);
  EXPECT_EQ(produces[1]->encodings[0].ssrc, offer.media[1].ssrc_groups[0].ssrcs[0]);
  EXPECT_EQ(produces[1]->encodings[0].rtx_ssrc, offer.media[1].ssrc_groups[0].ssrcs[1]);
  // aiortc 1.4 uses id 2 for audio-level in audio and abs-send-time in video: ids other than
  // the mid's are per m-section.
  EXPECT_EQ(produces[0]->header_extensions.mid, 1);
  EXPECT_EQ(produces[1]->header_extensions.mid, 1);
  // aiortc 1.4 offers goog-remb, not transport-cc.
  EXPECT_EQ(produces[1]->header_extensions.transport_cc, 0);
  EXPECT_EQ(produces[1]->header_extensions.abs_send_time, 2);
}

TEST(OfferMapperTest, FirefoxSimulcastAndSessionFingerprint) {
  const SessionDescription offer = parse_data("firefox-handwritten-publish-simulcast.sdp");
  const PublishPlan plan = map("firefox-handwritten-publish-simulcast.sdp");
  EXPECT_EQ(plan.transport.fingerprints, offer.transport.fingerprints);
  const std::vector<const ProducePlan*> produces = plan.produces();
  ASSERT_EQ(produces.size(), 2u);
  EXPECT_EQ(produces[0]->payload_type, 109);
  // The recvonly csrc-audio-level extension is not ours.
  EXPECT_EQ(produces[0]->extmaps.size(), 2u);
  EXPECT_EQ(produces[1]->codec, "VP8");
  EXPECT_EQ(produces[1]->payload_type, 120);
  EXPECT_EQ(produces[1]->rtx_payload_type, 124);
  ASSERT_EQ(produces[1]->encodings.size(), 3u);
  EXPECT_EQ(produces[1]->encodings[1].rid, "h");
  EXPECT_EQ(produces[1]->header_extensions.rid, 8);
}

// Edits of a real offer for the cases no client produced.
SessionDescription edited(const std::function<void(SessionDescription&)>& edit) {
  SessionDescription offer = parse_data("chromium-156-publish-av.sdp");
  edit(offer);
  return offer;
}

TEST(OfferMapperTest, CodecPreference) {
  // Without VP8, constrained-baseline H264 with packetization-mode 1 wins (pt 108 in Chromium's
  // list, after 102 which is baseline 42001f).
  SessionDescription offer = edited([](SessionDescription& o) {
    std::erase_if(o.media[1].codecs, [](const Codec& c) { return c.name == "VP8"; });
  });
  const Codec* codec = choose_codec(offer.media[1]);
  ASSERT_NE(codec, nullptr);
  EXPECT_EQ(codec->name, "H264");
  EXPECT_EQ(codec->fmtp_parameter("profile-level-id"), "42e01f");
  EXPECT_EQ(codec->fmtp_parameter("packetization-mode"), "1");
  // Without any H264: VP9 profile 0.
  std::erase_if(offer.media[1].codecs, [](const Codec& c) { return c.name == "H264"; });
  codec = choose_codec(offer.media[1]);
  ASSERT_NE(codec, nullptr);
  EXPECT_EQ(codec->name, "VP9");
  EXPECT_EQ(codec->fmtp_parameter("profile-id"), "0");
  // AV1 alone is not taken; the m-section is rejected.
  std::erase_if(offer.media[1].codecs, [](const Codec& c) { return c.name == "VP9"; });
  EXPECT_EQ(choose_codec(offer.media[1]), nullptr);
  const PublishPlan plan = offer_to_produce(offer).value();
  EXPECT_EQ(plan.media[1].disposition, MediaDisposition::kRejected);
  EXPECT_EQ(plan.media[1].reason, "no supported codec");
}

TEST(OfferMapperTest, SetupRoles) {
  auto answer_setup = [](SetupRole offered) {
    return offer_to_produce(edited([offered](SessionDescription& o) {
             for (MediaSection& m : o.media) {
               m.transport.setup = offered;
             }
           }))
        .value()
        .transport;
  };
  EXPECT_EQ(answer_setup(SetupRole::kActive).answer_setup, SetupRole::kPassive);
  const RemoteTransport passive = answer_setup(SetupRole::kPassive);
  EXPECT_EQ(passive.answer_setup, SetupRole::kActive);
  EXPECT_EQ(passive.local_role, DtlsRole::kClient);
  EXPECT_EQ(passive.remote_role, DtlsRole::kServer);
  // No a=setup at all: RFC 4145 §4.1 makes the offerer active.
  EXPECT_EQ(answer_setup(SetupRole::kNone).answer_setup, SetupRole::kPassive);
  const SdpResult<PublishPlan> holdconn = offer_to_produce(
      edited([](SessionDescription& o) { o.media[0].transport.setup = SetupRole::kHoldconn; }));
  ASSERT_FALSE(holdconn.ok());
  EXPECT_NE(holdconn.error().reason.find("holdconn"), std::string::npos);
}

TEST(OfferMapperTest, RefusesOffersWithoutCredentialsOrFingerprint) {
  const SdpResult<PublishPlan> no_ufrag = offer_to_produce(
      edited([](SessionDescription& o) { o.media[0].transport.ice_ufrag.clear(); }));
  ASSERT_FALSE(no_ufrag.ok());
  EXPECT_NE(no_ufrag.error().reason.find("ice-ufrag"), std::string::npos);
  const SdpResult<PublishPlan> no_fingerprint = offer_to_produce(
      edited([](SessionDescription& o) { o.media[0].transport.fingerprints.clear(); }));
  ASSERT_FALSE(no_fingerprint.ok());
  EXPECT_NE(no_fingerprint.error().reason.find("fingerprint"), std::string::npos);
  const SessionDescription empty;
  EXPECT_FALSE(offer_to_produce(empty).ok());
}

TEST(OfferMapperTest, RefusesConflictingExtmapIdsAndRepeatedSsrcs) {
  const SdpResult<PublishPlan> conflict = offer_to_produce(edited([](SessionDescription& o) {
    for (Extmap& extmap : o.media[1].extmaps) {
      if (extmap.uri == kExtensionMid) {
        extmap.id = 1;  // audio-level's id in the audio m-section
      }
    }
  }));
  ASSERT_FALSE(conflict.ok());
  EXPECT_NE(conflict.error().reason.find("BUNDLE"), std::string::npos);
  const SdpResult<PublishPlan> two_mid_ids = offer_to_produce(edited([](SessionDescription& o) {
    for (Extmap& extmap : o.media[1].extmaps) {
      if (extmap.uri == kExtensionMid) {
        extmap.id = 9;
      } else if (extmap.id == 9) {
        extmap.id = 4;
      }
    }
  }));
  ASSERT_FALSE(two_mid_ids.ok());
  EXPECT_NE(two_mid_ids.error().reason.find("mid extension"), std::string::npos);
  const SdpResult<PublishPlan> repeated = offer_to_produce(edited([](SessionDescription& o) {
    o.media[1].ssrc_groups[0].ssrcs[0] = o.media[0].ssrcs[0].ssrc;
  }));
  ASSERT_FALSE(repeated.ok());
  EXPECT_NE(repeated.error().reason.find("ssrc"), std::string::npos);
}

TEST(OfferMapperTest, RejectsWhatOneTransportCannotCarry) {
  const PublishPlan outside =
      offer_to_produce(edited([](SessionDescription& o) { o.groups[0].mids = {"0"}; })).value();
  EXPECT_EQ(outside.media[1].disposition, MediaDisposition::kRejected);
  EXPECT_EQ(outside.media[1].reason, "not in the BUNDLE group");
  const PublishPlan no_bundle =
      offer_to_produce(edited([](SessionDescription& o) { o.groups.clear(); })).value();
  EXPECT_EQ(no_bundle.media[0].disposition, MediaDisposition::kProduce);
  EXPECT_EQ(no_bundle.media[1].disposition, MediaDisposition::kRejected);
  const PublishPlan no_mux =
      offer_to_produce(edited([](SessionDescription& o) { o.media[1].rtcp_mux = false; })).value();
  EXPECT_EQ(no_mux.media[1].disposition, MediaDisposition::kRejected);
  const PublishPlan plain_rtp = offer_to_produce(edited([](SessionDescription& o) {
                                  o.media[1].protocol = "RTP/AVP";
                                })).value();
  EXPECT_EQ(plain_rtp.media[1].disposition, MediaDisposition::kRejected);
}

TEST(OfferMapperTest, SimulcastEdgeCases) {
  SessionDescription offer = parse_data("chromium-156-publish-simulcast.sdp");
  MediaSection& video = offer.media[1];
  // Four streams: the first three are taken; a paused one stays paused.
  video.rids.push_back(Rid{"x", RidDirection::kSend, {}, {}});
  video.simulcast->send.push_back({{"x", false}});
  video.simulcast->send[1][0].paused = true;
  PublishPlan plan = offer_to_produce(offer).value();
  ASSERT_EQ(plan.media[1].produce.encodings.size(), kMaxSimulcastEncodings);
  EXPECT_TRUE(plan.media[1].produce.encodings[1].paused);
  // A rid in a=simulcast without its a=rid.
  video.simulcast->send[0][0].rid = "undeclared";
  plan = offer_to_produce(offer).value();
  EXPECT_EQ(plan.media[1].disposition, MediaDisposition::kRejected);
  // Rids without the rtp-stream-id extension cannot be told apart.
  offer = parse_data("chromium-156-publish-simulcast.sdp");
  std::erase_if(offer.media[1].extmaps, [](const Extmap& e) { return e.uri == kExtensionRid; });
  plan = offer_to_produce(offer).value();
  EXPECT_EQ(plan.media[1].disposition, MediaDisposition::kRejected);
}

TEST(OfferMapperTest, LegacySsrcSimulcast) {
  SessionDescription offer = parse_data("chromium-156-publish-av.sdp");
  MediaSection& video = offer.media[1];
  video.ssrc_groups = {
      {"SIM", {11, 12, 13}}, {"FID", {11, 21}}, {"FID", {12, 22}}, {"FID", {13, 23}}};
  const PublishPlan plan = offer_to_produce(offer).value();
  const ProducePlan& produce = plan.media[1].produce;
  ASSERT_EQ(produce.encodings.size(), 3u);
  EXPECT_EQ(produce.encodings[0], (EncodingPlan{"", 11, 21, false}));
  EXPECT_EQ(produce.encodings[2], (EncodingPlan{"", 13, 23, false}));
  EXPECT_FALSE(produce.simulcast_by_rid);
}

TEST(ProduceRequestTest, FillsTheCommittedFields) {
  const PublishPlan plan = map("chromium-156-publish-av.sdp");
  const control::Produce video = to_produce_request(*plan.produces()[1], "t1", "p1");
  EXPECT_EQ(video.transport_id(), "t1");
  EXPECT_EQ(video.producer_id(), "p1");
  EXPECT_EQ(video.kind(), control::MEDIA_KIND_VIDEO);
  EXPECT_EQ(video.codec(), "VP8");
  EXPECT_EQ(video.payload_type(), 96u);
  EXPECT_EQ(video.clock_rate(), 90000u);
  EXPECT_EQ(video.ssrc(), plan.produces()[1]->encodings[0].ssrc);
  const PublishPlan simulcast = map("chromium-156-publish-simulcast.sdp");
  EXPECT_EQ(to_produce_request(*simulcast.produces()[1], "t1", "p2").ssrc(), 0u);
  EXPECT_EQ(to_produce_request(*simulcast.produces()[0], "t1", "p3").kind(),
            control::MEDIA_KIND_AUDIO);
}

}  // namespace
}  // namespace ringcast::controlplane::sdp
