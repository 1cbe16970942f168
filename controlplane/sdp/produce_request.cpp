#include "sdp/produce_request.hpp"

#include <string>

namespace ringcast::controlplane::sdp {

control::MediaKind to_proto(MediaKind kind) {
  switch (kind) {
    case MediaKind::kAudio:
      return control::MEDIA_KIND_AUDIO;
    case MediaKind::kVideo:
      return control::MEDIA_KIND_VIDEO;
    default:
      return control::MEDIA_KIND_UNSPECIFIED;
  }
}

control::Produce to_produce_request(const ProducePlan& plan, std::string_view transport_id,
                                    std::string_view producer_id) {
  control::Produce request;
  request.set_transport_id(std::string(transport_id));
  request.set_producer_id(std::string(producer_id));
  request.set_kind(to_proto(plan.kind));
  request.set_codec(plan.codec);
  request.set_payload_type(plan.payload_type);
  request.set_clock_rate(plan.clock_rate);
  request.set_ssrc(plan.encodings.size() == 1 ? plan.encodings.front().ssrc : 0);
  request.set_paused(false);
  return request;
}

}  // namespace ringcast::controlplane::sdp
