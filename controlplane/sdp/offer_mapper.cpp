#include "sdp/offer_mapper.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <string>

#include "sdp/rtp_extension_uris.hpp"

namespace ringcast::controlplane::sdp {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

const Codec* first_codec(const MediaSection& media, std::string_view name,
                         bool (*accept)(const Codec&)) {
  for (const Codec& codec : media.codecs) {
    if (iequals(codec.name, name) && accept(codec)) {
      return &codec;
    }
  }
  return nullptr;
}

// RFC 6184 §8.1: packetization-mode 1 (non-interleaved) is what every WebRTC stack sends;
// mode 0 cannot carry a frame larger than one packet per NAL unit.
bool is_h264_mode1(const Codec& codec) {
  return codec.fmtp_parameter("packetization-mode") == std::optional<std::string>("1");
}

bool is_h264_constrained_baseline(const Codec& codec) {
  const std::optional<std::string> profile = codec.fmtp_parameter("profile-level-id");
  return is_h264_mode1(codec) && profile && lower(*profile).substr(0, 4) == "42e0";
}

// VP9 profile 0 (8-bit 4:2:0) is the one every decoder has; profile-id absent means 0.
bool is_vp9_profile0(const Codec& codec) {
  const std::optional<std::string> profile = codec.fmtp_parameter("profile-id");
  return !profile || *profile == "0";
}

bool is_opus(const Codec& codec) { return codec.clock_rate == 48000; }
bool any_codec(const Codec&) { return true; }

SetupRole answer_setup_for(SetupRole offered) {
  // RFC 8842 §5.3 and RFC 8829 §5.3.1: to actpass the answerer picks. As an ICE-lite server we
  // never send the first connectivity check, so we answer passive: the client's DTLS
  // ClientHello follows its successful check at once, with no extra round trip, and the data
  // plane stays a DTLS server for every browser. An offer that insists on passive gets active.
  return offered == SetupRole::kPassive ? SetupRole::kActive : SetupRole::kPassive;
}

std::vector<EncodingPlan> encodings_by_ssrc(const MediaSection& media) {
  auto rtx_of = [&media](uint32_t ssrc) -> uint32_t {
    const SsrcGroup* fid = media.find_ssrc_group("FID", ssrc);
    return fid != nullptr && fid->ssrcs.size() >= 2 ? fid->ssrcs[1] : 0;
  };
  std::vector<EncodingPlan> encodings;
  // Legacy simulcast (ssrc-group:SIM, lowest first as libwebrtc writes it).
  for (const SsrcGroup& group : media.ssrc_groups) {
    if (group.semantics == "SIM") {
      for (uint32_t ssrc : group.ssrcs) {
        if (encodings.size() < kMaxSimulcastEncodings) {
          encodings.push_back(EncodingPlan{"", ssrc, rtx_of(ssrc), false});
        }
      }
      return encodings;
    }
  }
  uint32_t primary = 0;
  for (const SsrcGroup& group : media.ssrc_groups) {
    if (group.semantics == "FID" && !group.ssrcs.empty()) {
      primary = group.ssrcs.front();
      break;
    }
  }
  if (primary == 0 && !media.ssrcs.empty()) {
    primary = media.ssrcs.front().ssrc;
  }
  // Without any a=ssrc the stream is still known by its MID (RFC 8843 §15): ssrc 0.
  encodings.push_back(EncodingPlan{"", primary, primary == 0 ? 0 : rtx_of(primary), false});
  return encodings;
}

MediaPlan plan_media(const MediaSection& media) {
  MediaPlan plan;
  plan.mid = media.mid;
  auto reject = [&plan](std::string reason) {
    plan.disposition = MediaDisposition::kRejected;
    plan.reason = std::move(reason);
    return plan;
  };
  if (media.rejected()) {
    return reject("rejected in the offer (port 0)");
  }
  if (media.kind != MediaKind::kAudio && media.kind != MediaKind::kVideo) {
    return reject("only audio and video are supported, not '" + media.media + "'");
  }
  // RFC 8827 §6.5: WebRTC media is DTLS-SRTP; the data plane's WebRtcTransport has no other.
  if (media.protocol.find("RTP/SAVP") == std::string::npos) {
    return reject("protocol '" + media.protocol + "' is not DTLS-SRTP");
  }
  // RFC 8834 §4.5: WebRTC multiplexes RTP and RTCP on one port; the data plane has no other.
  if (!media.rtcp_mux) {
    return reject("no a=rtcp-mux");
  }
  if (media.mid.empty()) {
    return reject("no a=mid (RFC 8843 needs one per bundled m-section)");
  }
  const Codec* codec = choose_codec(media);
  if (codec == nullptr) {
    return reject("no supported codec");
  }
  ProducePlan& produce = plan.produce;
  produce.mid = media.mid;
  produce.kind = media.kind;
  produce.codec = codec->name;
  produce.payload_type = codec->payload_type;
  produce.clock_rate = codec->clock_rate;
  produce.channels = codec->channels;
  produce.fmtp = codec->fmtp;
  if (const Codec* rtx = media.find_rtx_for(codec->payload_type)) {
    produce.rtx_payload_type = rtx->payload_type;
  }
  for (const RtcpFeedback& feedback : codec->feedback) {
    if (is_supported_feedback(feedback)) {
      produce.feedback.push_back(feedback);
    }
  }
  for (const Extmap& extmap : media.extmaps) {
    // Ids past 14 need the two-byte header (RFC 8285 §4.3), which the data plane does not
    // rewrite; no browser puts the extensions we use there.
    if (extmap.id > 14 || !is_supported_extension(media.kind, extmap.uri) ||
        produce.find_extmap(extmap.uri) != nullptr) {
      continue;
    }
    produce.extmaps.push_back(Extmap{extmap.id, std::nullopt, extmap.uri, ""});
    const auto id = static_cast<uint8_t>(extmap.id);
    HeaderExtensionIds& ids = produce.header_extensions;
    (extmap.uri == kExtensionMid           ? ids.mid
     : extmap.uri == kExtensionRid         ? ids.rid
     : extmap.uri == kExtensionRepairedRid ? ids.repaired_rid
     : extmap.uri == kExtensionTransportCc ? ids.transport_cc
     : extmap.uri == kExtensionAbsSendTime ? ids.abs_send_time
                                           : ids.audio_level) = id;
  }
  if (!media.msids.empty()) {
    produce.stream_id = media.msids.front().stream_id;
    produce.track_id = media.msids.front().track_id;
  }

  if (!sends(media.direction)) {
    plan.disposition = MediaDisposition::kInactive;
    return plan;
  }
  plan.disposition = MediaDisposition::kProduce;

  const bool rid_simulcast = media.simulcast && !media.simulcast->send.empty();
  if (rid_simulcast) {
    // RFC 8853 §5.1: each stream lists alternatives; we take the first. The offer's order is
    // taken as lowest first, the order of sendEncodings in every client we know.
    for (const std::vector<SimulcastRid>& stream : media.simulcast->send) {
      if (produce.encodings.size() == kMaxSimulcastEncodings) {
        break;
      }
      const SimulcastRid& first = stream.front();
      const bool declared = std::any_of(media.rids.begin(), media.rids.end(), [&](const Rid& rid) {
        return rid.id == first.rid && rid.direction == RidDirection::kSend;
      });
      // RFC 8853 §5.1: a rid in a=simulcast must be declared by a=rid in the same direction.
      if (!declared) {
        return reject("a=simulcast names rid '" + first.rid + "' without an a=rid send");
      }
      produce.encodings.push_back(EncodingPlan{first.rid, 0, 0, first.paused});
    }
    if (produce.header_extensions.rid == 0) {
      return reject("simulcast by rid without the rtp-stream-id header extension");
    }
    produce.simulcast_by_rid = true;
  } else {
    produce.encodings = encodings_by_ssrc(media);
  }
  const uint32_t first_ssrc = produce.encodings.empty() ? 0 : produce.encodings.front().ssrc;
  const SsrcInfo* info = first_ssrc != 0 ? media.find_ssrc(first_ssrc)
                                         : (media.ssrcs.empty() ? nullptr : &media.ssrcs.front());
  if (info != nullptr) {
    produce.cname = info->cname;
    if (produce.stream_id.empty() && !info->msid.empty()) {
      // Plan B style "a=ssrc:<ssrc> msid:<stream> <track>".
      const std::size_t space = info->msid.find(' ');
      produce.stream_id = info->msid.substr(0, space);
      produce.track_id = space == std::string::npos ? "" : info->msid.substr(space + 1);
    }
  }
  return plan;
}

}  // namespace

const Codec* choose_codec(const MediaSection& media) {
  if (media.kind == MediaKind::kAudio) {
    return first_codec(media, "opus", is_opus);
  }
  if (media.kind != MediaKind::kVideo) {
    return nullptr;
  }
  if (const Codec* vp8 = first_codec(media, "VP8", any_codec)) {
    return vp8;
  }
  if (const Codec* h264 = first_codec(media, "H264", is_h264_constrained_baseline)) {
    return h264;
  }
  if (const Codec* h264 = first_codec(media, "H264", is_h264_mode1)) {
    return h264;
  }
  return first_codec(media, "VP9", is_vp9_profile0);
}

bool is_supported_feedback(const RtcpFeedback& feedback) {
  return (feedback.type == "nack" && (feedback.parameter.empty() || feedback.parameter == "pli")) ||
         (feedback.type == "ccm" && feedback.parameter == "fir") ||
         (feedback.type == "goog-remb" && feedback.parameter.empty()) ||
         (feedback.type == "transport-cc" && feedback.parameter.empty());
}

bool is_supported_extension(MediaKind kind, std::string_view uri) {
  if (uri == kExtensionMid || uri == kExtensionTransportCc || uri == kExtensionAbsSendTime) {
    return true;
  }
  if (kind == MediaKind::kAudio) {
    return uri == kExtensionAudioLevel;
  }
  return uri == kExtensionRid || uri == kExtensionRepairedRid;
}

SdpResult<PublishPlan> offer_to_produce(const SessionDescription& offer) {
  if (offer.media.empty()) {
    return SdpError{"the offer has no m-section", 0};
  }
  PublishPlan plan;
  const Group* bundle = offer.bundle_group();
  // The transport is the BUNDLE-tagged m-section's (RFC 8843 §7.2.1: the first mid of the
  // group); aiortc writes different credentials per m-section yet uses that one's.
  const MediaSection* tagged = nullptr;
  if (bundle != nullptr && !bundle->mids.empty()) {
    tagged = offer.find_media(bundle->mids.front());
  }
  for (const MediaSection& media : offer.media) {
    if (tagged == nullptr && !media.rejected()) {
      tagged = &media;
    }
  }
  if (tagged == nullptr) {
    return SdpError{"every m-section of the offer is rejected", 0};
  }
  RemoteTransport& transport = plan.transport;
  transport.ice_ufrag = std::string(offer.ice_ufrag(*tagged));
  transport.ice_pwd = std::string(offer.ice_pwd(*tagged));
  if (transport.ice_ufrag.empty() || transport.ice_pwd.empty()) {
    return SdpError{"the offer has no a=ice-ufrag and a=ice-pwd (RFC 8839 §5.4)", 0};
  }
  transport.fingerprints = offer.fingerprints(*tagged);
  if (transport.fingerprints.empty()) {
    return SdpError{"the offer has no a=fingerprint (RFC 8122 §5)", 0};
  }
  // sha-256 first: every stack offers it and the data plane computes it.
  std::stable_partition(transport.fingerprints.begin(), transport.fingerprints.end(),
                        [](const Fingerprint& f) { return f.algorithm == "sha-256"; });
  const SetupRole offered = offer.setup(*tagged);
  if (offered == SetupRole::kHoldconn) {
    return SdpError{"the offer says a=setup:holdconn; there is no connection to answer", 0};
  }
  transport.answer_setup = answer_setup_for(offered);
  transport.local_role =
      transport.answer_setup == SetupRole::kPassive ? DtlsRole::kServer : DtlsRole::kClient;
  transport.remote_role =
      transport.local_role == DtlsRole::kServer ? DtlsRole::kClient : DtlsRole::kServer;

  std::map<uint16_t, std::string> extension_uris;
  std::set<uint32_t> ssrcs;
  uint16_t mid_id = 0;
  bool first_accepted = true;
  for (const MediaSection& media : offer.media) {
    MediaPlan media_plan = plan_media(media);
    const bool in_bundle = bundle == nullptr ? first_accepted
                                             : std::find(bundle->mids.begin(), bundle->mids.end(),
                                                         media.mid) != bundle->mids.end();
    if (media_plan.disposition != MediaDisposition::kRejected && !in_bundle) {
      // One WebRtcTransport per peer connection: an m-section outside the BUNDLE group would
      // need its own.
      media_plan.disposition = MediaDisposition::kRejected;
      media_plan.reason = bundle == nullptr ? "no BUNDLE group: only the first m-section is taken"
                                            : "not in the BUNDLE group";
    }
    if (media_plan.disposition != MediaDisposition::kRejected) {
      first_accepted = false;
      // The data plane reads the MID extension before it knows which m-section a packet of a
      // new SSRC belongs to (RFC 8843 §9.2), so the mid id must mean the mid everywhere in the
      // group. Other ids are read per producer: aiortc 1.4 uses id 2 for audio-level in audio
      // and for abs-send-time in video, within one BUNDLE group, and that must still work.
      for (const Extmap& extmap : media_plan.produce.extmaps) {
        auto [it, inserted] = extension_uris.emplace(extmap.id, extmap.uri);
        const bool involves_mid = it->second == kExtensionMid || extmap.uri == kExtensionMid;
        if (!inserted && it->second != extmap.uri && involves_mid) {
          return SdpError{"extmap id " + std::to_string(extmap.id) + " means both '" + it->second +
                              "' and '" + extmap.uri + "' in the BUNDLE group",
                          0};
        }
        if (extmap.uri == kExtensionMid) {
          it->second = extmap.uri;
          if (mid_id != 0 && mid_id != extmap.id) {
            return SdpError{"the mid extension has id " + std::to_string(mid_id) + " and " +
                                std::to_string(extmap.id) + " in one BUNDLE group",
                            0};
          }
          mid_id = extmap.id;
        }
      }
      for (const EncodingPlan& encoding : media_plan.produce.encodings) {
        for (uint32_t ssrc : {encoding.ssrc, encoding.rtx_ssrc}) {
          if (ssrc != 0 && !ssrcs.insert(ssrc).second) {
            return SdpError{"ssrc " + std::to_string(ssrc) + " is used by two streams", 0};
          }
        }
      }
    }
    plan.media.push_back(std::move(media_plan));
  }
  return plan;
}

}  // namespace ringcast::controlplane::sdp
