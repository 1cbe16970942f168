#pragma once

#include "sdp/local_transport.hpp"
#include "sdp/publish_plan.hpp"
#include "sdp/session_description.hpp"

namespace ringcast::controlplane::sdp {

// Builds our answer to a publisher's offer from the plan offer_to_produce made of it
// (docs/sdp.md, "The answer"): ICE-lite, our credentials, fingerprint and candidates, the
// plan's DTLS setup, one m-section per offered one in the same order (RFC 3264 §6), recvonly
// with the chosen codec (+ RTX) for what we take, inactive for what sends nothing, port 0 for
// what we reject, and a BUNDLE group of the accepted mids. `origin` carries our session id and
// version (RFC 8866 §5.2).
SessionDescription build_publish_answer(const SessionDescription& offer, const PublishPlan& plan,
                                        const LocalTransport& local, const Origin& origin);

// The transport attributes and candidates every accepted m-section we write carries.
void apply_local_transport(MediaSection& media, const LocalTransport& local, SetupRole setup);

// The transport attributes, without candidates, and rtcp-mux, that a rejected (port 0)
// m-section we write still carries: RFC 8843 ignores them there, but aiortc 1.4 refuses any
// m-section without ice-ufrag, ice-pwd and rtcp-mux.
void apply_rejected_transport(MediaSection& media, const LocalTransport& local, SetupRole setup);

}  // namespace ringcast::controlplane::sdp
