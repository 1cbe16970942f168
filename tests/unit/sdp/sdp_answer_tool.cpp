// A helper for tests/data/sdp/capture/verify_*.py, which check our descriptions against live
// clients: it is the SDP module from the command line, with the unit tests' local transport.
//
//   sdp_answer_tool answer < offer.sdp                  our answer to a publisher offer
//   sdp_answer_tool subscriber-sequence DIR             DIR/offer-1.sdp .. offer-3.sdp
//   sdp_answer_tool read-answer OFFER ANSWER            read_subscriber_answer, summarised
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

#include "sdp/answer_builder.hpp"
#include "sdp/answer_reader.hpp"
#include "sdp/offer_mapper.hpp"
#include "sdp/sdp_parser.hpp"
#include "sdp/sdp_writer.hpp"
#include "sdp/subscriber_offer_builder.hpp"
#include "sdp_test_data.hpp"

using namespace ringcast::controlplane::sdp;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    throw std::runtime_error("cannot read " + path);
  }
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

ConsumerTrack track(MediaKind kind, const std::string& participant, uint32_t ssrc) {
  ConsumerTrack track;
  track.kind = kind;
  track.stream_id = participant;
  track.cname = "ringcast-" + participant;
  track.ssrc = ssrc;
  if (kind == MediaKind::kAudio) {
    track.track_id = participant + "-mic";
    track.codec = "opus";
    track.payload_type = 111;
    track.clock_rate = 48000;
    track.channels = 2;
    track.fmtp = "minptime=10;useinbandfec=1";
    track.feedback = {{"transport-cc", ""}};
  } else {
    track.track_id = participant + "-cam";
    track.codec = "VP8";
    track.payload_type = 96;
    track.clock_rate = 90000;
    track.rtx_payload_type = 97;
    track.rtx_ssrc = ssrc + 1;
    track.feedback = {
        {"goog-remb", ""}, {"transport-cc", ""}, {"ccm", "fir"}, {"nack", ""}, {"nack", "pli"}};
  }
  return track;
}

int subscriber_sequence(const std::string& directory) {
  SubscriberOfferBuilder builder(
      testing::test_local_transport(),
      Origin{"ringcast", "1152921504606846977", 1, "IN", "IP4", "127.0.0.1"});
  auto write = [&directory](int index, const SessionDescription& offer) {
    std::ofstream(directory + "/offer-" + std::to_string(index) + ".sdp", std::ios::binary)
        << write_sdp(offer);
  };
  // 1: alice's audio and video. 2: alice leaves, bob joins (appended: the removal is not
  // answered yet). 3: carol joins and recycles alice's first slot with a new mid.
  builder.add_track(track(MediaKind::kAudio, "alice", 1000));
  builder.add_track(track(MediaKind::kVideo, "alice", 2000));
  write(1, builder.build_offer());
  builder.answer_applied();
  builder.remove_track("0");
  builder.remove_track("1");
  builder.add_track(track(MediaKind::kAudio, "bob", 3000));
  write(2, builder.build_offer());
  builder.answer_applied();
  builder.add_track(track(MediaKind::kVideo, "carol", 4000));
  write(3, builder.build_offer());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "answer" && argc == 2) {
      const std::string text((std::istreambuf_iterator<char>(std::cin)),
                             std::istreambuf_iterator<char>());
      const SessionDescription offer = parse_sdp(text).value();
      const PublishPlan plan = offer_to_produce(offer).value();
      std::cout << write_sdp(build_publish_answer(
          offer, plan, testing::test_local_transport(),
          Origin{"ringcast", "4611686018427387905", 1, "IN", "IP4", "127.0.0.1"}));
      return 0;
    }
    if (mode == "subscriber-sequence" && argc == 3) {
      return subscriber_sequence(argv[2]);
    }
    if (mode == "read-answer" && argc == 4) {
      const SubscriberAnswer read = read_subscriber_answer(parse_sdp(read_file(argv[2])).value(),
                                                           parse_sdp(read_file(argv[3])).value())
                                        .value();
      std::cout << "setup " << to_string(read.transport.answer_setup);
      for (const AcceptedMedia& media : read.media) {
        std::cout << " | mid " << media.mid << (media.accepted ? " accepted " : " rejected ")
                  << to_string(media.direction) << " pt " << int(media.payload_type);
      }
      std::cout << "\n";
      return 0;
    }
    std::cerr << "usage: sdp_answer_tool answer | subscriber-sequence DIR | read-answer OFFER "
                 "ANSWER\n";
    return 2;
  } catch (const std::exception& error) {
    std::cerr << "sdp_answer_tool: " << error.what() << "\n";
    return 1;
  }
}
