#include "rtmp/rtmp_server.hpp"

#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/allocation_counter.hpp"

namespace ringcast::rtmp {
namespace {

// The RTMP receive ring's buffer group; group 0 is the shard's UDP ring.
constexpr uint16_t kReceiveGroup = 1;
constexpr uint32_t kReceiveBuffers = 1024;
constexpr uint32_t kReceiveBufferSize = 16 * 1024;
constexpr uint64_t kTickMs = 1000;
constexpr uint64_t kCoalesceMs = 30;
constexpr size_t kCoalesceBytes = 32 * 1024;

thread_local RtmpServer* tls_server = nullptr;

control::Response error_response(control::ErrorCode code, std::string reason) {
  control::Response response;
  response.mutable_error()->set_code(code);
  response.mutable_error()->set_reason(std::move(reason));
  return response;
}

}  // namespace

RtmpServer* RtmpServer::current() { return tls_server; }

RtmpServer::RtmpServer(core::Shard& shard, const RtmpNode& node)
    : shard_(shard),
      node_(node),
      shard_index_(shard.index()),
      listener_(node.listener(shard.index())),
      pool_(static_cast<uint16_t>(shard.index()), &RtmpServer::release_to_owner),
      authorizer_(std::make_unique<ConfigKeyAuthorizer>(node.config())),
      tick_timer_([this] { tick(); }),
      coalesce_timer_([] {}) {
  tls_server = this;
  receive_buffers_ = std::make_unique<core::ProvidedBufferRing>(
      shard_.ring().get(), kReceiveGroup, kReceiveBuffers, kReceiveBufferSize);
  slot_ = shard_.register_completion_handler(this);
  shard_.add_counter_source(this);
  arm_accept();
  shard_.timers().schedule(tick_timer_, kTickMs);
}

RtmpServer::~RtmpServer() {
  shard_.remove_counter_source(this);
  tick_timer_.cancel();
  coalesce_timer_.cancel();
  // Streams and mirrors first (they hold references into connections' queues' buffers and
  // relays hold connections), then the connections, then the pool.
  for (auto& [key, stream] : streams_) {
    stream->relays().clear();
  }
  for (auto& [id, connection] : connections_) {
    if (connection->recv_armed || connection->send_in_flight()) {
      ::shutdown(connection->fd(), SHUT_RDWR);
    }
  }
  streams_.clear();
  mirrors_.clear();
  connections_.clear();
  if (tls_server == this) {
    tls_server = nullptr;
  }
}

void RtmpServer::arm_accept() {
  io_uring_sqe* sqe = shard_.ring().next_sqe();
  io_uring_prep_multishot_accept(sqe, listener_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  io_uring_sqe_set_data64(sqe, core::Shard::module_user_data(slot_, io_object(0, kIoAccept)));
  accept_armed_ = true;
}

void RtmpServer::arm_recv(RtmpConnection* connection) {
  io_uring_sqe* sqe = shard_.ring().next_sqe();
  io_uring_prep_recv_multishot(sqe, connection->fd(), nullptr, 0, 0);
  sqe->flags |= IOSQE_BUFFER_SELECT;
  sqe->buf_group = kReceiveGroup;
  io_uring_sqe_set_data64(
      sqe, core::Shard::module_user_data(slot_, io_object(connection->id(), kIoRecv)));
  connection->recv_armed = true;
}

RtmpConnection* RtmpServer::add_connection(int fd, PushRelay* relay) {
  uint32_t id = next_id_++;
  while (id == 0 || connections_.count(id) != 0) {
    id = next_id_++;
  }
  auto connection = std::make_unique<RtmpConnection>(*this, fd, id, relay);
  RtmpConnection* raw = connection.get();
  connections_.emplace(id, std::move(connection));
  ++counters_.rtmp_connections;
  return raw;
}

void RtmpServer::on_completion(const io_uring_cqe& cqe, uint64_t object) {
  const auto kind = static_cast<IoKind>(object & 3);
  if (kind == kIoAccept) {
    handle_accept(cqe);
    return;
  }
  auto found = connections_.find(static_cast<uint32_t>(object >> 2));
  if (found == connections_.end()) {
    if (kind == kIoRecv && (cqe.flags & IORING_CQE_F_BUFFER)) {
      receive_buffers_->recycle(static_cast<uint16_t>(cqe.flags >> IORING_CQE_BUFFER_SHIFT));
      receive_buffers_->commit();
    }
    return;
  }
  RtmpConnection* connection = found->second.get();
  switch (kind) {
    case kIoRecv:
      handle_recv(connection, cqe);
      break;
    case kIoSend:
      connection->on_sent(cqe.res);
      break;
    case kIoConnect:
      handle_connect(connection, cqe);
      break;
    default:
      break;
  }
}

void RtmpServer::handle_accept(const io_uring_cqe& cqe) {
  if (!(cqe.flags & IORING_CQE_F_MORE)) {
    accept_armed_ = false;
    if (!stopping_) {
      arm_accept();
    }
  }
  if (cqe.res < 0) {
    return;
  }
  const int fd = cqe.res;
  const int one = 1;
  // Small control replies must not wait for Nagle; media is already batched per turn.
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  ++counters_.rtmp_accepted;
  RtmpConnection* connection = add_connection(fd, nullptr);
  connection->start();
  arm_recv(connection);
}

void RtmpServer::handle_recv(RtmpConnection* connection, const io_uring_cqe& cqe) {
  const bool more = (cqe.flags & IORING_CQE_F_MORE) != 0;
  if (!more) {
    connection->recv_armed = false;
  }
  if (cqe.res > 0 && (cqe.flags & IORING_CQE_F_BUFFER)) {
    const auto buffer_id = static_cast<uint16_t>(cqe.flags >> IORING_CQE_BUFFER_SHIFT);
    std::span<uint8_t> buffer = receive_buffers_->buffer(buffer_id);
    connection->on_receive({buffer.data(), static_cast<size_t>(cqe.res)});
    receive_buffers_->recycle(buffer_id);
  } else if (cqe.res == 0) {
    connection->on_peer_closed();
  } else if (cqe.res == -ENOBUFS) {
    ++counters_.rtmp_rx_no_buffer;
  } else if (cqe.res < 0 && cqe.res != -ECANCELED) {
    connection->on_peer_closed();
  }
  if (!more && !connection->closing() && !connection->migrating && cqe.res != 0 &&
      (cqe.res > 0 || cqe.res == -ENOBUFS)) {
    ++counters_.rtmp_rx_rearms;
    arm_recv(connection);
  }
}

void RtmpServer::handle_connect(RtmpConnection* connection, const io_uring_cqe& cqe) {
  if (cqe.res < 0) {
    connection->close(fmt::format("connect: {}", strerror(-cqe.res)));
    return;
  }
  const int one = 1;
  setsockopt(connection->fd(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  connection->start();
  arm_recv(connection);
}

void RtmpServer::mark_dirty(RtmpConnection* connection) {
  if (!connection->dirty) {
    connection->dirty = true;
    connection->dirty_since_ms = shard_.now_ms();
    dirty_.push_back(connection);
  }
}

void RtmpServer::schedule_reap(RtmpConnection* connection) {
  if (!connection->in_reap_list) {
    connection->in_reap_list = true;
    reap_.push_back(connection);
  }
}

void RtmpServer::flush(RtmpConnection* connection) {
  if (connection->send_in_flight() || connection->shut_down) {
    return;
  }
  const size_t iovecs = connection->prepare_send();
  if (iovecs == 0) {
    return;
  }
  io_uring_sqe* sqe = shard_.ring().next_sqe();
  io_uring_prep_sendmsg(sqe, connection->fd(), connection->send_header(), MSG_NOSIGNAL);
  io_uring_sqe_set_data64(
      sqe, core::Shard::module_user_data(slot_, io_object(connection->id(), kIoSend)));
  ++counters_.rtmp_sends;
  counters_.rtmp_send_iovecs += iovecs;
}

void RtmpServer::on_turn_end() {
  // What is queued for a connection leaves in one sendmsg (an iovec per shared buffer), with
  // the next turn's one submit. A player's media first waits up to kCoalesceMs or until
  // kCoalesceBytes are queued: the kernel's per-send work is most of the fan-out's CPU, so fewer,
  // larger sends per player cost less per byte (docs/rtmp.md, docs/benchmarks.md). Replies,
  // publishers and relays never wait.
  const uint64_t now_ms = shard_.now_ms();
  size_t waiting = 0;
  for (size_t i = 0; i < dirty_.size(); ++i) {
    RtmpConnection* connection = dirty_[i];
    const bool coalesce = connection->role() == RtmpConnection::Role::kPlayer &&
                          !connection->has_control_bytes() && !connection->closing() &&
                          connection->queued_bytes() < kCoalesceBytes &&
                          now_ms - connection->dirty_since_ms < kCoalesceMs;
    if (coalesce) {
      dirty_[waiting++] = connection;
      continue;
    }
    connection->dirty = false;
    flush(connection);
  }
  dirty_.resize(waiting);
  if (waiting > 0 && !coalesce_timer_.scheduled()) {
    // Makes sure a loop turn comes when the wait is over, even if nothing else arrives.
    shard_.timers().schedule(coalesce_timer_, kCoalesceMs);
  }
  if (!reap_.empty()) {
    reap();
  }
  receive_buffers_->commit();
}

void RtmpServer::reap() {
  reap_scratch_.swap(reap_);
  reap_.clear();
  for (RtmpConnection* connection : reap_scratch_) {
    connection->in_reap_list = false;
    if (connection->migrating && !connection->closing()) {
      // Waiting for the receive to end and the queue to drain before the hand-over.
      if (connection->recv_armed || !connection->drained()) {
        schedule_reap(connection);
      } else {
        hand_over(connection);
      }
      continue;
    }
    connection->detach();
    if (connection->recv_armed || connection->send_in_flight()) {
      if (!connection->shut_down) {
        // Ends the multishot receive and any pending send with an error completion.
        ::shutdown(connection->fd(), SHUT_RDWR);
        connection->shut_down = true;
      }
      schedule_reap(connection);
      continue;
    }
    if (connection->dirty) {
      std::erase(dirty_, connection);
    }
    --counters_.rtmp_connections;
    ++counters_.rtmp_closed;
    connections_.erase(connection->id());
  }
  reap_scratch_.clear();
}

// --- streams -------------------------------------------------------------------------------

RtmpStream& RtmpServer::stream_for(const std::string& key) {
  auto found = streams_.find(key);
  if (found != streams_.end()) {
    return *found->second;
  }
  auto stream = std::make_unique<RtmpStream>(key, node_.shards(), config().gop_cache,
                                             config().gop_cache_max_bytes);
  RtmpStream& ref = *stream;
  streams_.emplace(key, std::move(stream));
  ++counters_.rtmp_streams;
  create_relays(ref);
  return ref;
}

void RtmpServer::create_relays(RtmpStream& stream) {
  const std::string& key = stream.key();
  const std::string app = key.substr(0, key.find('/'));
  for (const RtmpPushConfig& push : config().push) {
    if (push.app == app) {
      if (auto url = parse_rtmp_url(push.url)) {
        stream.relays().push_back(std::make_unique<PushRelay>(*this, key, push.url, *url, true));
      }
    }
  }
  if (auto requested = requested_relays_.find(key); requested != requested_relays_.end()) {
    for (const std::string& text : requested->second) {
      if (auto url = parse_rtmp_url(text)) {
        stream.relays().push_back(std::make_unique<PushRelay>(*this, key, text, *url, false));
      }
    }
  }
}

void RtmpServer::maybe_drop_stream(const std::string& key) {
  auto found = streams_.find(key);
  if (found == streams_.end()) {
    return;
  }
  RtmpStream& stream = *found->second;
  if (stream.publisher != nullptr || !stream.fanout().empty() || stream.has_remotes()) {
    return;
  }
  streams_.erase(found);
  --counters_.rtmp_streams;
}

bool RtmpServer::stream_published(const std::string& key) const {
  auto found = streams_.find(key);
  return found != streams_.end() && found->second->publisher != nullptr;
}

bool RtmpServer::begin_publish(RtmpConnection* connection) {
  const uint32_t owner = stream_shard(connection->stream_key(), node_.shards());
  if (owner != shard_index_) {
    // The stream lives on its own shard: hand the whole connection (socket, parser state)
    // over once its receive has stopped and its queue has drained. A file descriptor is valid
    // on every ring of the process.
    connection->migrating = true;
    connection->cancel_timer();
    if (connection->recv_armed) {
      io_uring_sqe* sqe = shard_.ring().next_sqe();
      io_uring_prep_cancel64(
          sqe, core::Shard::module_user_data(slot_, io_object(connection->id(), kIoRecv)), 0);
      io_uring_sqe_set_data64(sqe, core::make_user_data(core::Op::kCancel, 0));
    }
    schedule_reap(connection);
    return true;
  }
  RtmpStream& stream = stream_for(connection->stream_key());
  if (stream.publisher != nullptr) {
    maybe_drop_stream(connection->stream_key());
    return false;
  }
  stream.publisher = connection;
  stream.has_video = false;
  ++counters_.rtmp_publishers;
  spdlog::info("rtmp: shard {} publishing {}", shard_index_, stream.key());
  stream.fanout().published();
  for (auto& relay : stream.relays()) {
    relay->on_published();
  }
  for (uint32_t shard = 0; shard < stream.remotes().size(); ++shard) {
    const RtmpStream::Remote& remote = stream.remotes()[shard];
    if (remote.subscribed) {
      const uint64_t generation = remote.generation;
      shard_.mailbox().send(shard, [generation] { current()->remote_event(generation, true); });
    }
  }
  return true;
}

void RtmpServer::hand_over(RtmpConnection* connection) {
  const uint32_t owner = stream_shard(connection->stream_key(), node_.shards());
  auto found = connections_.find(connection->id());
  RtmpConnection* raw = found->second.release();
  connections_.erase(found);
  --counters_.rtmp_connections;
  ++counters_.rtmp_migrations;
  core::AllocationCounter::ControlWork control_work;
  shard_.mailbox().send(owner, [raw] { current()->adopt(raw); });
}

void RtmpServer::adopt(RtmpConnection* connection) {
  uint32_t id = next_id_++;
  while (id == 0 || connections_.count(id) != 0) {
    id = next_id_++;
  }
  connection->rebind(*this, id);
  connection->migrating = false;
  connections_.emplace(id, std::unique_ptr<RtmpConnection>(connection));
  ++counters_.rtmp_connections;
  arm_recv(connection);
  connection->finish_publish();
}

void RtmpServer::publish_message(RtmpConnection* connection, SharedBuffer* buffer, bool video) {
  auto found = streams_.find(connection->stream_key());
  if (found == streams_.end() || found->second->publisher != connection) {
    return;
  }
  RtmpStream& stream = *found->second;
  stream.rx_bytes += buffer->size;
  if (video) {
    stream.has_video = true;
  } else if (buffer->is(kBufferAudio) && !stream.has_video) {
    // Without video any audio frame is a fine place for a player to start.
    buffer->flags |= kBufferStartPoint;
  }
  stream.fanout().deliver(buffer);
  forward(stream, buffer);
}

void RtmpServer::forward(RtmpStream& stream, SharedBuffer* buffer) {
  // One task per message per shard with players (not per player); the other shard fans out
  // from a proxy and sends the release back when its last player is done with it.
  for (uint32_t shard = 0; shard < stream.remotes().size(); ++shard) {
    const RtmpStream::Remote& remote = stream.remotes()[shard];
    if (!remote.subscribed) {
      continue;
    }
    retain(buffer);
    const uint64_t generation = remote.generation;
    shard_.mailbox().send(shard,
                          [generation, buffer] { current()->remote_message(generation, buffer); });
    ++counters_.rtmp_cross_shard_messages;
  }
}

void RtmpServer::begin_play(RtmpConnection* connection) {
  ++counters_.rtmp_players;
  const std::string& key = connection->stream_key();
  const uint32_t owner = stream_shard(key, node_.shards());
  if (owner == shard_index_) {
    RtmpStream& stream = stream_for(key);
    ++stream.local_players;
    connection->set_stream_counters(&stream.counters());
    stream.fanout().add(connection);
    return;
  }
  auto found = mirrors_.find(key);
  if (found == mirrors_.end()) {
    const uint64_t generation = next_generation_++;
    auto mirror = std::make_unique<StreamMirror>(key, owner, generation, config().gop_cache,
                                                 config().gop_cache_max_bytes);
    mirror_by_generation_[generation] = mirror.get();
    found = mirrors_.emplace(key, std::move(mirror)).first;
    core::AllocationCounter::ControlWork control_work;
    shard_.mailbox().send(owner, [key, from = shard_index_, generation] {
      current()->remote_subscribe(key, from, generation);
    });
  } else {
    StreamMirror& mirror = *found->second;
    core::AllocationCounter::ControlWork control_work;
    shard_.mailbox().send(owner, [key, from = shard_index_, generation = mirror.generation()] {
      current()->remote_players(key, from, generation, +1);
    });
  }
  connection->set_stream_counters(&found->second->counters());
  found->second->fanout().add(connection);
}

void RtmpServer::attach_relay(RtmpConnection* connection) {
  auto found = streams_.find(connection->stream_key());
  if (found == streams_.end()) {
    connection->close("stream gone");
    return;
  }
  found->second->fanout().add(connection);
}

void RtmpServer::detach(RtmpConnection* connection) {
  const std::string& key = connection->stream_key();
  switch (connection->role()) {
    case RtmpConnection::Role::kPublisher: {
      auto found = streams_.find(key);
      if (found == streams_.end() || found->second->publisher != connection) {
        return;
      }
      RtmpStream& stream = *found->second;
      stream.publisher = nullptr;
      --counters_.rtmp_publishers;
      spdlog::info("rtmp: shard {} unpublished {}", shard_index_, key);
      stream.fanout().unpublished();
      for (auto& relay : stream.relays()) {
        relay->on_unpublished();
      }
      for (uint32_t shard = 0; shard < stream.remotes().size(); ++shard) {
        const RtmpStream::Remote& remote = stream.remotes()[shard];
        if (remote.subscribed) {
          const uint64_t generation = remote.generation;
          shard_.mailbox().send(shard,
                                [generation] { current()->remote_event(generation, false); });
        }
      }
      maybe_drop_stream(key);
      return;
    }
    case RtmpConnection::Role::kRelay: {
      if (auto found = streams_.find(key); found != streams_.end()) {
        found->second->fanout().remove(connection);
      }
      return;
    }
    case RtmpConnection::Role::kPlayer: {
      --counters_.rtmp_players;
      if (auto found = streams_.find(key); found != streams_.end()) {
        found->second->fanout().remove(connection);
        --found->second->local_players;
        maybe_drop_stream(key);
        return;
      }
      auto found = mirrors_.find(key);
      if (found == mirrors_.end()) {
        return;
      }
      StreamMirror& mirror = *found->second;
      mirror.fanout().remove(connection);
      const uint32_t owner = mirror.owner();
      const uint64_t generation = mirror.generation();
      core::AllocationCounter::ControlWork control_work;
      shard_.mailbox().send(owner, [key, from = shard_index_, generation] {
        current()->remote_players(key, from, generation, -1);
      });
      if (mirror.fanout().empty()) {
        mirror_by_generation_.erase(generation);
        mirrors_.erase(found);
      }
      return;
    }
    case RtmpConnection::Role::kNone:
      return;
  }
}

// --- cross-shard -----------------------------------------------------------------------------

void RtmpServer::remote_subscribe(const std::string& key, uint32_t from, uint64_t generation) {
  RtmpStream& stream = stream_for(key);
  RtmpStream::Remote& remote = stream.remotes()[from];
  remote.subscribed = true;
  remote.generation = generation;
  remote.players = 1;
  // The cached start goes first, through the same queue as the live messages after it.
  stream.fanout().cache().for_each([&](SharedBuffer* buffer) {
    retain(buffer);
    shard_.mailbox().send(from,
                          [generation, buffer] { current()->remote_message(generation, buffer); });
  });
}

void RtmpServer::remote_players(const std::string& key, uint32_t from, uint64_t generation,
                                int delta) {
  auto found = streams_.find(key);
  if (found == streams_.end()) {
    return;
  }
  RtmpStream::Remote& remote = found->second->remotes()[from];
  if (!remote.subscribed || remote.generation != generation) {
    return;
  }
  remote.players = static_cast<uint32_t>(static_cast<int>(remote.players) + delta);
  if (remote.players == 0) {
    remote = RtmpStream::Remote{};
    maybe_drop_stream(key);
  }
}

void RtmpServer::remote_message(uint64_t generation, SharedBuffer* origin) {
  auto found = mirror_by_generation_.find(generation);
  if (found == mirror_by_generation_.end()) {
    // The mirror is gone (its last player left while this was on its way): give it back.
    release_to_owner(origin->owner_shard, origin);
    return;
  }
  SharedBuffer* proxy = pool_.acquire_proxy(origin);
  found->second->fanout().deliver(proxy);
  release(proxy);
}

void RtmpServer::remote_event(uint64_t generation, bool published) {
  auto found = mirror_by_generation_.find(generation);
  if (found == mirror_by_generation_.end()) {
    return;
  }
  if (published) {
    found->second->fanout().published();
  } else {
    found->second->fanout().unpublished();
  }
}

void RtmpServer::release_to_owner(uint16_t owner_shard, SharedBuffer* origin) {
  RtmpServer* self = current();
  if (self == nullptr || owner_shard == self->shard_index_) {
    release(origin);
    return;
  }
  self->shard_.mailbox().send(owner_shard, [origin] { release(origin); });
}

// --- relays ----------------------------------------------------------------------------------

RtmpConnection* RtmpServer::open_relay_connection(PushRelay* relay, const sockaddr_in& address) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return nullptr;
  }
  RtmpConnection* connection = add_connection(fd, relay);
  // The address must outlive the SQE until the kernel read it (at submit): the relay owns it.
  io_uring_sqe* sqe = shard_.ring().next_sqe();
  io_uring_prep_connect(sqe, fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
  io_uring_sqe_set_data64(
      sqe, core::Shard::module_user_data(slot_, io_object(connection->id(), kIoConnect)));
  return connection;
}

control::Response RtmpServer::handle(const control::Request& request) {
  const bool start = request.kind_case() == control::Request::kStartPushRelay;
  const std::string& key =
      start ? request.start_push_relay().stream() : request.stop_push_relay().stream();
  const std::string& url_text =
      start ? request.start_push_relay().url() : request.stop_push_relay().url();
  std::vector<std::string>& requested = requested_relays_[key];
  auto listed = std::find(requested.begin(), requested.end(), url_text);
  auto stream = streams_.find(key);
  if (start) {
    auto url = parse_rtmp_url(url_text);
    if (!url) {
      return error_response(control::ERROR_CODE_BAD_REQUEST,
                            "url must be rtmp://ipv4-or-localhost[:port]/app[/stream]");
    }
    if (listed != requested.end()) {
      return control::Response{};  // idempotent
    }
    requested.push_back(url_text);
    if (stream != streams_.end()) {
      auto relay = std::make_unique<PushRelay>(*this, key, url_text, *url, false);
      if (stream->second->publisher != nullptr) {
        relay->on_published();
      }
      stream->second->relays().push_back(std::move(relay));
    }
    return control::Response{};
  }
  if (listed == requested.end()) {
    return error_response(control::ERROR_CODE_NOT_FOUND,
                          "no push relay of '" + key + "' to '" + url_text + "'");
  }
  requested.erase(listed);
  if (requested.empty()) {
    requested_relays_.erase(key);
  }
  if (stream != streams_.end()) {
    std::erase_if(stream->second->relays(), [&](const std::unique_ptr<PushRelay>& relay) {
      return !relay->from_config() && relay->url_text() == url_text;
    });
  }
  return control::Response{};
}

// --- numbers ---------------------------------------------------------------------------------

void RtmpServer::tick() {
  for (auto& [key, stream] : streams_) {
    stream->kbps = (stream->rx_bytes - stream->rx_bytes_at_last_tick) * 8 / kTickMs;
    stream->rx_bytes_at_last_tick = stream->rx_bytes;
  }
  shard_.timers().schedule(tick_timer_, kTickMs);
}

void RtmpServer::visit_counters(const core::CounterVisitor& visit) const {
  RtmpCounters snapshot = counters_;
  snapshot.rtmp_buffers_allocated = pool_.allocated();
  snapshot.rtmp_buffers_in_use = pool_.in_use();
  snapshot.for_each(visit);
  // Per stream: "rtmp_stream.<app>/<name>.<counter>" on the owning shard (players counts every
  // shard's), and the slow-player counters on each shard that has players of it.
  std::string name;
  auto emit = [&](const std::string& prefix, std::string_view counter, uint64_t value) {
    name.assign(prefix);
    name.append(counter);
    visit(name, value);
  };
  for (const auto& [key, stream] : streams_) {
    const std::string prefix = "rtmp_stream." + key + ".";
    emit(prefix, "publishing", stream->publisher != nullptr ? 1 : 0);
    emit(prefix, "publisher_kbps", stream->kbps);
    emit(prefix, "publisher_bytes", stream->rx_bytes);
    emit(prefix, "players", stream->players());
    emit(prefix, "gop_cache_messages", stream->fanout().cache().gop_messages());
    emit(prefix, "player_skips", stream->counters().player_skips);
    emit(prefix, "player_disconnects", stream->counters().player_disconnects);
    for (const auto& relay : stream->relays()) {
      const std::string relay_prefix = "rtmp_relay." + key + ">" + relay->url_text() + ".";
      emit(relay_prefix, "state", static_cast<uint64_t>(relay->state()));
      emit(relay_prefix, "connects", relay->connects());
      emit(relay_prefix, "failures", relay->failures());
      emit(relay_prefix, "publishes", relay->publishes());
    }
  }
  for (const auto& [key, mirror] : mirrors_) {
    const std::string prefix = "rtmp_stream." + key + ".";
    emit(prefix, "shard_players", mirror->fanout().size());
    emit(prefix, "player_skips", mirror->counters().player_skips);
    emit(prefix, "player_disconnects", mirror->counters().player_disconnects);
  }
}

}  // namespace ringcast::rtmp
