#pragma once

#include "sdp/publish_plan.hpp"
#include "sdp/sdp_result.hpp"
#include "sdp/session_description.hpp"

namespace ringcast::controlplane::sdp {

// Maps a publisher's offer to what the data plane must do (docs/sdp.md, "Mapping an offer"):
// one MediaPlan per m-section (produce, inactive or rejected) and the remote transport
// parameters for ConnectWebRtcTransport. Fails when the offer cannot be answered at all: no
// ICE credentials or fingerprint, a=setup:holdconn, conflicting extmap ids or a repeated SSRC
// within the BUNDLE group.
SdpResult<PublishPlan> offer_to_produce(const SessionDescription& offer);

// The codec we take from an m-section, or nullptr: Opus for audio; VP8, then H264 with
// packetization-mode=1 (constrained baseline 42e01f first), then VP9 profile 0 for video.
const Codec* choose_codec(const MediaSection& media);

// Whether the data plane understands this rtcp-fb (RFC 4585 nack, nack pli, ccm fir;
// goog-remb; transport-cc).
bool is_supported_feedback(const RtcpFeedback& feedback);

// Whether we accept this header extension in an m-section of this kind.
bool is_supported_extension(MediaKind kind, std::string_view uri);

}  // namespace ringcast::controlplane::sdp
