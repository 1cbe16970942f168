// Parses hostile text as SDP. What parses must survive the writer unchanged (write, parse
// again, same model, same text), and an offer that maps must give an answer that parses and
// passes the answer checks against that offer.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sdp/answer_builder.hpp"
#include "sdp/answer_reader.hpp"
#include "sdp/offer_mapper.hpp"
#include "sdp/sdp_parser.hpp"
#include "sdp/sdp_writer.hpp"

using namespace ringcast::controlplane::sdp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const SdpResult<SessionDescription> parsed = parse_sdp(text);
  if (!parsed.ok()) {
    if (parsed.error().reason.empty()) {
      std::abort();
    }
    return 0;
  }
  const SessionDescription& description = parsed.value();
  const std::string written = write_sdp(description);
  // The writer may spell out what the input left implicit (rtcp-fb:*, static payload types),
  // so its text can pass the size limit the input was under.
  if (written.size() <= kMaxSdpBytes) {
    const SdpResult<SessionDescription> reparsed = parse_sdp(written);
    if (!reparsed.ok() || !(reparsed.value() == description) ||
        write_sdp(reparsed.value()) != written) {
      std::abort();
    }
  }

  const SdpResult<PublishPlan> plan = offer_to_produce(description);
  if (!plan.ok()) {
    return 0;
  }
  LocalTransport local;
  local.ice_ufrag = "fuzzufrag";
  local.ice_pwd = "fuzzpasswordfuzzpassword";
  local.fingerprints.push_back({"sha-256", "AB:CD"});
  LocalCandidate candidate;
  candidate.ip = "127.0.0.1";
  candidate.port = 40000;
  local.candidates.push_back(candidate);
  const SessionDescription answer =
      build_publish_answer(description, plan.value(), local, Origin{});
  const std::string answer_text = write_sdp(answer);
  if (answer_text.size() > kMaxSdpBytes) {
    return 0;
  }
  const SdpResult<SessionDescription> answer_parsed = parse_sdp(answer_text);
  if (!answer_parsed.ok()) {
    std::abort();
  }
  bool any_accepted = false;
  for (const MediaPlan& media : plan.value().media) {
    any_accepted |= media.disposition != MediaDisposition::kRejected;
  }
  const SdpResult<SubscriberAnswer> checked =
      read_subscriber_answer(description, answer_parsed.value());
  if (any_accepted && !checked.ok()) {
    std::abort();
  }
  return 0;
}
