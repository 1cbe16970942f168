#pragma once
// The RTMP server on one shard: its listener (multishot accept), its connections (multishot
// receive from its own provided-buffer ring, one coalesced sendmsg per connection per turn), the
// streams this shard owns and the mirrors of streams other shards own. See docs/rtmp.md.

#include <netinet/in.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/provided_buffer_ring.hpp"
#include "core/shard.hpp"
#include "ringcast/control.pb.h"
#include "rtmp/key_authorizer.hpp"
#include "rtmp/rtmp_connection.hpp"
#include "rtmp/rtmp_counters.hpp"
#include "rtmp/rtmp_node.hpp"
#include "rtmp/rtmp_stream.hpp"
#include "rtmp/shared_buffer.hpp"
#include "rtmp/stream_mirror.hpp"

namespace ringcast::rtmp {

class RtmpServer : public core::ShardModule,
                   public core::CompletionHandler,
                   public core::CounterSource {
 public:
  RtmpServer(core::Shard& shard, const RtmpNode& node);
  ~RtmpServer() override;

  // The server of the shard this thread runs (cross-shard tasks find their target this way).
  static RtmpServer* current();

  void on_completion(const io_uring_cqe& cqe, uint64_t object) override;
  void on_turn_end() override;
  void visit_counters(const core::CounterVisitor& visit) const override;

  // StartPushRelay / StopPushRelay for a stream this shard owns.
  control::Response handle(const control::Request& request);

  // --- for connections and relays on this shard ---
  const RtmpConfig& config() const { return node_.config(); }
  uint32_t shard_index() const { return shard_index_; }
  core::Shard& shard() { return shard_; }
  SharedBufferPool& pool() { return pool_; }
  RtmpCounters& counters() { return counters_; }
  KeyAuthorizer& authorizer() { return *authorizer_; }
  void mark_dirty(RtmpConnection* connection);
  // A connection by id, or null when it is gone (answers that arrive later look it up).
  RtmpConnection* find(uint32_t id) {
    auto found = connections_.find(id);
    return found == connections_.end() || found->second->closing() ? nullptr : found->second.get();
  }
  void schedule_reap(RtmpConnection* connection);

  // A publisher authorized for connection->stream_key(): attaches it to the stream if this
  // shard owns it, else hands the connection to the owner. False: the stream has a publisher.
  bool begin_publish(RtmpConnection* connection);
  // One message from a publisher, encoded once; the stream takes its own references.
  void publish_message(RtmpConnection* connection, SharedBuffer* buffer, bool video);
  // A player authorized for connection->stream_key().
  void begin_play(RtmpConnection* connection);
  // Relay connections subscribe once the remote side accepted the publish.
  void attach_relay(RtmpConnection* connection);
  // Undoes begin_publish/begin_play/attach_relay.
  void detach(RtmpConnection* connection);
  // A client connection for a push relay; the TCP connect goes out with this turn's submit.
  RtmpConnection* open_relay_connection(PushRelay* relay, const sockaddr_in& address);
  bool stream_published(const std::string& key) const;

 private:
  enum IoKind : uint64_t { kIoAccept = 0, kIoRecv = 1, kIoSend = 2, kIoConnect = 3 };
  static uint64_t io_object(uint32_t id, IoKind kind) { return (uint64_t{id} << 2) | kind; }

  void arm_accept();
  void arm_recv(RtmpConnection* connection);
  void handle_accept(const io_uring_cqe& cqe);
  void handle_recv(RtmpConnection* connection, const io_uring_cqe& cqe);
  void handle_connect(RtmpConnection* connection, const io_uring_cqe& cqe);
  void flush(RtmpConnection* connection);
  void reap();
  void hand_over(RtmpConnection* connection);
  void adopt(RtmpConnection* connection);
  RtmpConnection* add_connection(int fd, PushRelay* relay);

  RtmpStream& stream_for(const std::string& key);
  void maybe_drop_stream(const std::string& key);
  void create_relays(RtmpStream& stream);
  void forward(RtmpStream& stream, SharedBuffer* buffer);
  void tick();

  // Cross-shard entry points (run on this shard's thread).
  void remote_subscribe(const std::string& key, uint32_t from, uint64_t generation);
  void remote_players(const std::string& key, uint32_t from, uint64_t generation, int delta);
  void remote_message(uint64_t generation, SharedBuffer* origin);
  void remote_event(uint64_t generation, bool published);
  static void release_to_owner(uint16_t owner_shard, SharedBuffer* origin);

  core::Shard& shard_;
  const RtmpNode& node_;
  uint32_t shard_index_;
  uint16_t slot_ = 0;
  int listener_;
  bool accept_armed_ = false;
  bool stopping_ = false;
  std::unique_ptr<core::ProvidedBufferRing> receive_buffers_;
  SharedBufferPool pool_;
  std::unique_ptr<KeyAuthorizer> authorizer_;
  RtmpCounters counters_;

  uint32_t next_id_ = 1;
  std::unordered_map<uint32_t, std::unique_ptr<RtmpConnection>> connections_;
  std::vector<RtmpConnection*> dirty_;
  std::vector<RtmpConnection*> reap_;
  std::vector<RtmpConnection*> reap_scratch_;

  std::unordered_map<std::string, std::unique_ptr<RtmpStream>> streams_;
  std::unordered_map<std::string, std::unique_ptr<StreamMirror>> mirrors_;
  std::unordered_map<uint64_t, StreamMirror*> mirror_by_generation_;
  uint64_t next_generation_ = 1;
  // StartPushRelay requests by stream key (url -> url), kept while the stream comes and goes.
  std::unordered_map<std::string, std::vector<std::string>> requested_relays_;
  core::Timer tick_timer_;
  core::Timer coalesce_timer_;
};

}  // namespace ringcast::rtmp
