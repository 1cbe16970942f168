#include "sdp/answer_reader.hpp"

#include <algorithm>

#include "sdp/rtp_extension_uris.hpp"

namespace ringcast::controlplane::sdp {

SdpResult<SubscriberAnswer> read_subscriber_answer(const SessionDescription& offer,
                                                   const SessionDescription& answer) {
  if (answer.media.size() != offer.media.size()) {
    return SdpError{"the answer has " + std::to_string(answer.media.size()) +
                        " m-sections; the offer had " + std::to_string(offer.media.size()) +
                        " (RFC 3264 §6)",
                    0};
  }
  SubscriberAnswer result;
  const MediaSection* tagged = nullptr;
  if (const Group* bundle = answer.bundle_group(); bundle != nullptr && !bundle->mids.empty()) {
    tagged = answer.find_media(bundle->mids.front());
  }
  for (std::size_t i = 0; i < answer.media.size(); ++i) {
    const MediaSection& offered = offer.media[i];
    const MediaSection& answered = answer.media[i];
    if (answered.mid != offered.mid) {
      return SdpError{"m-section " + std::to_string(i) + " has mid '" + answered.mid +
                          "'; the offer's is '" + offered.mid + "'",
                      0};
    }
    AcceptedMedia media;
    media.mid = answered.mid;
    media.accepted = !answered.rejected() && !offered.rejected();
    media.direction = answered.direction;
    if (media.accepted) {
      if (tagged == nullptr) {
        tagged = &answered;
      }
      for (const Codec& codec : answered.codecs) {
        const Codec* ours = offered.find_codec(codec.payload_type);
        if (ours == nullptr) {
          return SdpError{"mid '" + answered.mid + "': the answer has payload type " +
                              std::to_string(codec.payload_type) + ", which was not offered",
                          0};
        }
        if (ours->is_rtx()) {
          if (media.rtx_payload_type == 0) {
            media.rtx_payload_type = codec.payload_type;
          }
        } else if (media.payload_type == 0 && ours->name == codec.name) {
          media.payload_type = codec.payload_type;
          media.feedback = codec.feedback;
        }
      }
      if (media.payload_type == 0) {
        return SdpError{"mid '" + answered.mid + "': the answer keeps none of the offered codecs",
                        0};
      }
      for (const Extmap& extmap : answered.extmaps) {
        const Extmap* ours = offered.find_extmap(extmap.uri);
        // RFC 8285 §7: an answer may drop an extension, not rename or renumber it.
        if (ours == nullptr || ours->id != extmap.id) {
          return SdpError{"mid '" + answered.mid + "': extmap " + std::to_string(extmap.id) + " " +
                              extmap.uri + " was not offered with that id",
                          0};
        }
        const auto id = static_cast<uint8_t>(extmap.id);
        HeaderExtensionIds& ids = media.header_extensions;
        if (extmap.uri == kExtensionMid) {
          ids.mid = id;
        } else if (extmap.uri == kExtensionRid) {
          ids.rid = id;
        } else if (extmap.uri == kExtensionRepairedRid) {
          ids.repaired_rid = id;
        } else if (extmap.uri == kExtensionTransportCc) {
          ids.transport_cc = id;
        } else if (extmap.uri == kExtensionAbsSendTime) {
          ids.abs_send_time = id;
        } else if (extmap.uri == kExtensionAudioLevel) {
          ids.audio_level = id;
        }
      }
    }
    result.media.push_back(std::move(media));
  }
  if (tagged == nullptr) {
    // Every m-section rejected: nothing to connect, but a valid answer.
    return result;
  }
  RemoteTransport& transport = result.transport;
  transport.ice_ufrag = std::string(answer.ice_ufrag(*tagged));
  transport.ice_pwd = std::string(answer.ice_pwd(*tagged));
  transport.fingerprints = answer.fingerprints(*tagged);
  if (transport.ice_ufrag.empty() || transport.ice_pwd.empty()) {
    return SdpError{"the answer has no a=ice-ufrag and a=ice-pwd (RFC 8839 §5.4)", 0};
  }
  if (transport.fingerprints.empty()) {
    return SdpError{"the answer has no a=fingerprint (RFC 8122 §5)", 0};
  }
  std::stable_partition(transport.fingerprints.begin(), transport.fingerprints.end(),
                        [](const Fingerprint& f) { return f.algorithm == "sha-256"; });
  const SetupRole setup = answer.setup(*tagged);
  transport.answer_setup = setup;
  switch (setup) {
    case SetupRole::kActive:
      transport.remote_role = DtlsRole::kClient;
      transport.local_role = DtlsRole::kServer;
      break;
    case SetupRole::kPassive:
      transport.remote_role = DtlsRole::kServer;
      transport.local_role = DtlsRole::kClient;
      break;
    case SetupRole::kNone:
      // RFC 4145 §4.1: no a=setup in an answer means active.
      transport.remote_role = DtlsRole::kClient;
      transport.local_role = DtlsRole::kServer;
      transport.answer_setup = SetupRole::kActive;
      break;
    default:
      return SdpError{"the answer's a=setup must be active or passive (RFC 8842 §5.3), not '" +
                          std::string(to_string(setup)) + "'",
                      0};
  }
  return result;
}

}  // namespace ringcast::controlplane::sdp
