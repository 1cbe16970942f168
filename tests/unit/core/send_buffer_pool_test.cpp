#include "core/send_buffer_pool.hpp"

#include <gtest/gtest.h>

#include <set>

namespace ringcast::core {
namespace {

TEST(SendBufferPool, HandsOutEachBufferOnceUntilReleased) {
  SendBufferPool pool(4);
  std::set<SendBuffer*> taken;
  for (int i = 0; i < 4; ++i) {
    SendBuffer* buffer = pool.acquire();
    ASSERT_NE(buffer, nullptr);
    EXPECT_TRUE(taken.insert(buffer).second);
    EXPECT_EQ(pool.at(buffer->index), buffer);
  }
  EXPECT_EQ(pool.acquire(), nullptr) << "an exhausted pool says so instead of allocating";
  EXPECT_EQ(pool.in_flight(), 4u);
  pool.release(*taken.begin());
  EXPECT_EQ(pool.available(), 1u);
  EXPECT_EQ(pool.acquire(), *taken.begin());
}

TEST(SendBufferPool, BuffersArePreparedForSendmsg) {
  SendBufferPool pool(1);
  SendBuffer* buffer = pool.acquire();
  ASSERT_NE(buffer, nullptr);
  EXPECT_EQ(buffer->header.msg_iov, &buffer->iov);
  EXPECT_EQ(buffer->iov.iov_base, buffer->data);
  EXPECT_EQ(buffer->header.msg_name, &buffer->destination);
  EXPECT_EQ(buffer->header.msg_namelen, sizeof(sockaddr_in));
}

}  // namespace
}  // namespace ringcast::core
