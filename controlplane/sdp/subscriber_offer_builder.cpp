#include "sdp/subscriber_offer_builder.hpp"

#include <stdexcept>
#include <utility>

#include "sdp/answer_builder.hpp"
#include "sdp/rtp_extension_uris.hpp"

namespace ringcast::controlplane::sdp {

SubscriberOfferBuilder::SubscriberOfferBuilder(LocalTransport local, Origin origin)
    : local_(std::move(local)), origin_(std::move(origin)) {
  if (local_.candidates.empty()) {
    throw std::invalid_argument("a subscriber offer needs at least one local candidate");
  }
}

std::vector<Extmap> SubscriberOfferBuilder::extensions_for(MediaKind kind) {
  // Fixed ids, one-byte header range (RFC 8285 §4.2). The data plane rewrites a consumer's
  // extensions to these ids. No rid extension: a consumer is one stream, the layer choice is
  // ours.
  std::vector<Extmap> extmaps = {{1, std::nullopt, std::string(kExtensionMid), ""},
                                 {2, std::nullopt, std::string(kExtensionAbsSendTime), ""},
                                 {3, std::nullopt, std::string(kExtensionTransportCc), ""}};
  if (kind == MediaKind::kAudio) {
    extmaps.push_back({4, std::nullopt, std::string(kExtensionAudioLevel), ""});
  }
  return extmaps;
}

std::string SubscriberOfferBuilder::add_track(ConsumerTrack track) {
  if (track.kind != MediaKind::kAudio && track.kind != MediaKind::kVideo) {
    throw std::invalid_argument("a consumer track is audio or video");
  }
  // JSEP §5.2.2: a new transceiver takes the place of an m-section rejected in the current
  // description, with a new mid; mids are never reused (RFC 8843 §7.2.1 ties them to RTP
  // streams the client may still remember).
  std::string mid = std::to_string(next_mid_++);
  const MediaKind kind = track.kind;
  for (Slot& slot : slots_) {
    if (slot.state == SlotState::kRecyclable) {
      slot = Slot{mid, SlotState::kLive, std::move(track), kind, false};
      return mid;
    }
  }
  slots_.push_back(Slot{mid, SlotState::kLive, std::move(track), kind, false});
  return mid;
}

bool SubscriberOfferBuilder::remove_track(std::string_view mid) {
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    Slot& slot = slots_[i];
    if (slot.mid != mid || slot.state != SlotState::kLive) {
      continue;
    }
    if (i >= offered_sections_) {
      // Appended since the last offer: the client never saw it, so it simply goes. (Only the
      // tail can be unoffered; recycled slots sit at indexes the client knows.)
      slots_.erase(slots_.begin() + static_cast<std::ptrdiff_t>(i));
      return true;
    }
    slot.state = SlotState::kRemoved;
    slot.offered = false;
    return true;
  }
  return false;
}

const std::optional<ConsumerTrack>& SubscriberOfferBuilder::track(std::string_view mid) const {
  static const std::optional<ConsumerTrack> kNone;
  for (const Slot& slot : slots_) {
    if (slot.mid == mid && slot.state == SlotState::kLive) {
      return slot.track;
    }
  }
  return kNone;
}

MediaSection SubscriberOfferBuilder::live_section(const Slot& slot) const {
  const ConsumerTrack& track = *slot.track;
  MediaSection media;
  media.kind = track.kind;
  media.media = std::string(to_string(track.kind));
  media.protocol = "UDP/TLS/RTP/SAVPF";
  // RFC 8842 §5.2 and RFC 8829 §5.2.2: every offer says actpass; the client's answer keeps
  // the role it already has. aiortc refuses an offer with anything else.
  apply_local_transport(media, local_, SetupRole::kActpass);
  media.mid = slot.mid;
  media.extmaps = extensions_for(track.kind);
  media.direction = Direction::kSendOnly;
  media.direction_present = true;
  media.msids.push_back(Msid{track.stream_id, track.track_id});
  media.rtcp_rsize = true;
  Codec codec;
  codec.payload_type = track.payload_type;
  codec.name = track.codec;
  codec.clock_rate = track.clock_rate;
  codec.channels = track.channels;
  codec.fmtp = track.fmtp;
  codec.feedback = track.feedback;
  media.formats.push_back(std::to_string(codec.payload_type));
  media.codecs.push_back(std::move(codec));
  const bool rtx = track.rtx_payload_type != 0 && track.rtx_ssrc != 0;
  if (rtx) {
    Codec rtx_codec;
    rtx_codec.payload_type = track.rtx_payload_type;
    rtx_codec.name = "rtx";
    rtx_codec.clock_rate = track.clock_rate;
    rtx_codec.fmtp = "apt=" + std::to_string(track.payload_type);  // RFC 4588 §8.6
    media.formats.push_back(std::to_string(rtx_codec.payload_type));
    media.codecs.push_back(std::move(rtx_codec));
    // RFC 5576 §4.2, RFC 4588 §8.7: FID groups the primary SSRC with its RTX SSRC.
    media.ssrc_groups.push_back(SsrcGroup{"FID", {track.ssrc, track.rtx_ssrc}});
  }
  // RFC 5576 §4.1: a=ssrc with cname lets the client bind RTCP SR/SDES before any packet;
  // the msid line keeps older stacks (and aiortc) mapping the SSRC to the track.
  const std::string msid = track.stream_id + " " + track.track_id;
  media.ssrcs.push_back(SsrcInfo{track.ssrc, track.cname, msid, {}});
  if (rtx) {
    media.ssrcs.push_back(SsrcInfo{track.rtx_ssrc, track.cname, msid, {}});
  }
  return media;
}

MediaSection SubscriberOfferBuilder::removed_section(const Slot& slot) const {
  // RFC 8829 §5.2.2: a stopped transceiver's m-section stays, with port 0; RFC 8843 §7.5.3
  // takes it out of the BUNDLE group. It keeps its mid and a format for the m= line.
  MediaSection media;
  media.kind = slot.kind;
  media.media = std::string(to_string(slot.kind));
  media.port = 0;
  media.protocol = "UDP/TLS/RTP/SAVPF";
  media.connection = "IN IP4 0.0.0.0";
  media.mid = slot.mid;
  media.direction = Direction::kInactive;
  media.direction_present = true;
  // aiortc 1.4 refuses any m-section without ICE credentials, even a rejected one.
  apply_rejected_transport(media, local_, SetupRole::kActpass);
  if (slot.track) {
    media.formats.push_back(std::to_string(slot.track->payload_type));
    Codec codec;
    codec.payload_type = slot.track->payload_type;
    codec.name = slot.track->codec;
    codec.clock_rate = slot.track->clock_rate;
    codec.channels = slot.track->channels;
    media.codecs.push_back(std::move(codec));
  } else {
    media.formats.push_back("0");
  }
  return media;
}

SessionDescription SubscriberOfferBuilder::build_offer() {
  SessionDescription offer;
  if (first_offer_) {
    first_offer_ = false;
  } else {
    ++origin_.session_version;
  }
  offer.origin = origin_;
  offer.ice_lite = true;
  offer.msid_semantic = "WMS *";
  Group bundle{"BUNDLE", {}};
  for (Slot& slot : slots_) {
    if (slot.state == SlotState::kLive) {
      offer.media.push_back(live_section(slot));
      bundle.mids.push_back(slot.mid);
    } else {
      offer.media.push_back(removed_section(slot));
      slot.offered = true;
    }
  }
  if (!bundle.mids.empty()) {
    offer.groups.push_back(std::move(bundle));
  }
  offered_sections_ = slots_.size();
  return offer;
}

void SubscriberOfferBuilder::answer_applied() {
  for (Slot& slot : slots_) {
    if (slot.state == SlotState::kRemoved && slot.offered) {
      slot.state = SlotState::kRecyclable;
    }
  }
}

}  // namespace ringcast::controlplane::sdp
