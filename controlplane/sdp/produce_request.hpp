#pragma once

#include <string_view>

#include "ringcast/control.pb.h"
#include "sdp/publish_plan.hpp"

namespace ringcast::controlplane::sdp {

// The Produce request for one ProducePlan. The committed schema carries one SSRC per
// producer: a non-simulcast plan fills it; a simulcast plan leaves it 0, and its rids, RTX and
// extension ids wait for the schema's WebRTC fields (Encoding, HeaderExtensionIds), which the
// plan's structs already mirror field by field.
control::Produce to_produce_request(const ProducePlan& plan, std::string_view transport_id,
                                    std::string_view producer_id);

control::MediaKind to_proto(MediaKind kind);

}  // namespace ringcast::controlplane::sdp
