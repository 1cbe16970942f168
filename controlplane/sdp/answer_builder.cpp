#include "sdp/answer_builder.hpp"

#include <algorithm>
#include <stdexcept>

namespace ringcast::controlplane::sdp {
namespace {

Codec answer_codec(const Codec& offered, const ProducePlan& produce) {
  Codec codec = offered;
  codec.feedback = produce.feedback;
  return codec;
}

MediaSection rejected_section(const MediaSection& offered, const LocalTransport& local,
                              SetupRole setup) {
  // RFC 3264 §6 and RFC 8829 §5.3.1: a rejected m-section keeps its media, protocol and
  // formats with port 0; the mid stays so the offerer can tell which one it is (RFC 8843 §7.3.3
  // takes it out of the BUNDLE group).
  MediaSection media;
  media.kind = offered.kind;
  media.media = offered.media;
  media.port = 0;
  media.protocol = offered.protocol;
  media.formats = offered.formats;
  if (media.formats.empty()) {
    media.formats.push_back("0");
  }
  media.connection = "IN IP4 0.0.0.0";
  media.mid = offered.mid;
  media.codecs = offered.codecs;
  for (Codec& codec : media.codecs) {
    codec.feedback.clear();
    codec.fmtp.clear();
  }
  media.direction = Direction::kInactive;
  media.direction_present = true;
  apply_rejected_transport(media, local, setup);
  return media;
}

}  // namespace

void apply_rejected_transport(MediaSection& media, const LocalTransport& local, SetupRole setup) {
  media.transport.ice_ufrag = local.ice_ufrag;
  media.transport.ice_pwd = local.ice_pwd;
  media.transport.fingerprints = local.fingerprints;
  media.transport.setup = setup;
  media.rtcp_mux = true;
}

void apply_local_transport(MediaSection& media, const LocalTransport& local, SetupRole setup) {
  if (local.candidates.empty()) {
    throw std::invalid_argument("a local transport needs at least one candidate");
  }
  // RFC 8829 §5.3.1 / §5.2.1: the m= port and c= address are those of the default candidate.
  media.port = local.candidates.front().port;
  media.connection = local.candidates.front().connection();
  media.transport.ice_ufrag = local.ice_ufrag;
  media.transport.ice_pwd = local.ice_pwd;
  media.transport.fingerprints = local.fingerprints;
  media.transport.setup = setup;
  media.candidates.clear();
  for (const LocalCandidate& candidate : local.candidates) {
    media.candidates.push_back(candidate.attribute_value());
  }
  // RFC 8838 §8.2: an ICE-lite agent knows all its candidates up front; there is no trickle.
  media.end_of_candidates = true;
  media.rtcp_mux = true;
}

SessionDescription build_publish_answer(const SessionDescription& offer, const PublishPlan& plan,
                                        const LocalTransport& local, const Origin& origin) {
  if (plan.media.size() != offer.media.size()) {
    throw std::invalid_argument("the plan was not made from this offer");
  }
  SessionDescription answer;
  answer.origin = origin;
  // RFC 8445 §2.5 / RFC 8839 §5.3: we are a lite agent; the client runs the checks.
  answer.ice_lite = true;
  answer.msid_semantic = "WMS";

  std::vector<std::string> accepted_mids;
  for (std::size_t i = 0; i < offer.media.size(); ++i) {
    const MediaSection& offered = offer.media[i];
    const MediaPlan& media_plan = plan.media[i];
    if (media_plan.disposition == MediaDisposition::kRejected) {
      answer.media.push_back(rejected_section(offered, local, plan.transport.answer_setup));
      continue;
    }
    const ProducePlan& produce = media_plan.produce;
    MediaSection media;
    media.kind = offered.kind;
    media.media = offered.media;
    media.protocol = offered.protocol;
    apply_local_transport(media, local, plan.transport.answer_setup);
    media.mid = offered.mid;
    media.extmaps = produce.extmaps;
    // RFC 3264 §6.1: sendonly/sendrecv is answered recvonly; anything else inactive (we send
    // nothing on a publishing connection).
    media.direction = media_plan.disposition == MediaDisposition::kProduce ? Direction::kRecvOnly
                                                                           : Direction::kInactive;
    media.direction_present = true;
    media.rtcp_rsize = offered.rtcp_rsize;  // RFC 5506 §5: only when offered
    if (const Codec* codec = offered.find_codec(produce.payload_type)) {
      media.codecs.push_back(answer_codec(*codec, produce));
      media.formats.push_back(std::to_string(codec->payload_type));
    }
    if (produce.rtx_payload_type != 0) {
      if (const Codec* rtx = offered.find_codec(produce.rtx_payload_type)) {
        Codec rtx_codec = *rtx;
        rtx_codec.feedback.clear();
        media.codecs.push_back(std::move(rtx_codec));
        media.formats.push_back(std::to_string(rtx->payload_type));
      }
    }
    if (produce.simulcast_by_rid && media_plan.disposition == MediaDisposition::kProduce) {
      // RFC 8853 §5.3: the answer reverses the directions: a=rid:<id> recv and
      // a=simulcast:recv, listing only the streams we take.
      Simulcast simulcast;
      for (const EncodingPlan& encoding : produce.encodings) {
        media.rids.push_back(Rid{encoding.rid, RidDirection::kRecv, {}, {}});
        simulcast.recv.push_back({SimulcastRid{encoding.rid, encoding.paused}});
      }
      media.simulcast = std::move(simulcast);
    }
    accepted_mids.push_back(offered.mid);
    answer.media.push_back(std::move(media));
  }

  if (const Group* bundle = offer.bundle_group()) {
    // RFC 8843 §7.3.1: the answer's group lists the accepted mids; the first is the
    // answerer-tagged m-section, the offerer-tagged one when we accepted it.
    Group group{"BUNDLE", {}};
    for (const std::string& mid : bundle->mids) {
      if (std::find(accepted_mids.begin(), accepted_mids.end(), mid) != accepted_mids.end()) {
        group.mids.push_back(mid);
      }
    }
    if (!group.mids.empty()) {
      answer.groups.push_back(std::move(group));
    }
  }
  return answer;
}

}  // namespace ringcast::controlplane::sdp
