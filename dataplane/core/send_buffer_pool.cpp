#include "core/send_buffer_pool.hpp"

namespace ringcast::core {

SendBufferPool::SendBufferPool(uint32_t count)
    : capacity_(count), buffers_(std::make_unique<SendBuffer[]>(count)) {
  free_.reserve(count);
  for (uint32_t i = count; i > 0; --i) {
    SendBuffer& buffer = buffers_[i - 1];
    buffer.index = i - 1;
    buffer.iov.iov_base = buffer.data;
    buffer.header.msg_name = &buffer.destination;
    buffer.header.msg_namelen = sizeof buffer.destination;
    buffer.header.msg_iov = &buffer.iov;
    buffer.header.msg_iovlen = 1;
    free_.push_back(i - 1);
  }
}

}  // namespace ringcast::core
