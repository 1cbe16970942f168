#include "rtmp/amf0.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace ringcast::rtmp {
namespace {

std::vector<uint8_t> encode(const Amf0Value& v) {
  std::vector<uint8_t> out;
  Amf0Writer(out).value(v);
  return out;
}

TEST(Amf0, ScalarEncodings) {
  std::vector<uint8_t> out;
  Amf0Writer(out).number(1.0).boolean(true).string("ab").null().undefined();
  const std::vector<uint8_t> expected = {0x00, 0x3F, 0xF0, 0,    0,    0,   0,   0,    0,
                                         0x01, 0x01, 0x02, 0x00, 0x02, 'a', 'b', 0x05, 0x06};
  EXPECT_EQ(out, expected);
}

TEST(Amf0, RoundTripEveryType) {
  Amf0Value obj = Amf0Value::object();
  obj.set("app", Amf0Value::string("live"));
  obj.set("n", Amf0Value::number(-3.5));
  obj.set("nested", Amf0Value::object({{"x", Amf0Value::boolean(false)}}));
  Amf0Value ecma = Amf0Value::ecma_array(
      {{"width", Amf0Value::number(1920)}, {"encoder", Amf0Value::string("obs")}});
  const std::vector<Amf0Value> values = {
      Amf0Value::number(0),
      Amf0Value::number(1e300),
      Amf0Value::boolean(true),
      Amf0Value::string(""),
      Amf0Value::string(std::string(70000, 'x')),  // long string
      obj,
      Amf0Value::null(),
      Amf0Value::undefined(),
      ecma,
      Amf0Value::strict_array({Amf0Value::number(1), Amf0Value::string("two"), Amf0Value()}),
      Amf0Value::date(1700000000000.0, 0),
      Amf0Value::typed_object("com.example.T", {{"k", Amf0Value::number(2)}}),
  };
  std::vector<uint8_t> bytes;
  for (const auto& v : values) {
    Amf0Writer(bytes).value(v);
  }
  std::vector<Amf0Value> decoded;
  ASSERT_EQ(amf0_decode_all(bytes, decoded), Amf0Error::kNone);
  ASSERT_EQ(decoded.size(), values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    EXPECT_TRUE(decoded[i] == values[i]) << i;
  }
  EXPECT_EQ(bytes[bytes.size() - 1], 0x09);
  EXPECT_EQ(decoded[5].find("app")->as_string(), "live");
  EXPECT_EQ(decoded[5].find("missing"), nullptr);
}

TEST(Amf0, TruncatedEverywhere) {
  Amf0Value obj = Amf0Value::object(
      {{"a", Amf0Value::string("hello")}, {"b", Amf0Value::strict_array({Amf0Value::number(1)})}});
  const auto full = encode(obj);
  for (size_t n = 0; n < full.size(); ++n) {
    std::vector<uint8_t> cut(full.begin(), full.begin() + static_cast<long>(n));
    Amf0Decoder d(cut);
    Amf0Value v;
    EXPECT_EQ(d.read(v), Amf0Error::kTruncated) << n;
  }
}

TEST(Amf0, DepthLimit) {
  std::vector<uint8_t> deep;
  for (int i = 0; i < 100; ++i) {
    deep.push_back(0x03);  // object
    deep.insert(deep.end(), {0x00, 0x01, 'k'});
  }
  deep.push_back(0x05);
  for (int i = 0; i < 100; ++i) {
    deep.insert(deep.end(), {0x00, 0x00, 0x09});
  }
  Amf0Value v;
  EXPECT_EQ(Amf0Decoder(deep).read(v), Amf0Error::kTooDeep);
  EXPECT_EQ(Amf0Decoder(deep, 200).read(v), Amf0Error::kNone);

  std::vector<uint8_t> arrays;
  for (int i = 0; i < 1000; ++i) {
    arrays.insert(arrays.end(), {0x0A, 0, 0, 0, 1});
  }
  arrays.push_back(0x05);
  EXPECT_EQ(Amf0Decoder(arrays).read(v), Amf0Error::kTooDeep);
}

TEST(Amf0, HugeCountsDoNotAllocate) {
  // Strict array announcing 2^32-1 elements with none present.
  const std::vector<uint8_t> bytes = {0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x05};
  Amf0Value v;
  EXPECT_EQ(Amf0Decoder(bytes).read(v), Amf0Error::kTruncated);
  // Long string longer than the input.
  const std::vector<uint8_t> ls = {0x0C, 0xFF, 0xFF, 0xFF, 0xFF, 'a'};
  EXPECT_EQ(Amf0Decoder(ls).read(v), Amf0Error::kTruncated);
}

TEST(Amf0, ValueBudget) {
  std::vector<uint8_t> bytes = {0x0A, 0x00, 0x01, 0x00, 0x00};
  bytes.resize(bytes.size() + 0x10000, 0x05);
  Amf0Value v;
  EXPECT_EQ(Amf0Decoder(bytes).read(v), Amf0Error::kTooManyValues);
  EXPECT_EQ(Amf0Decoder(bytes, kAmf0DefaultMaxDepth, 0x20000).read(v), Amf0Error::kNone);
}

TEST(Amf0, RejectsReferenceAndUnknownMarkers) {
  Amf0Value v;
  const std::vector<uint8_t> reference = {0x07, 0x00, 0x00};
  EXPECT_EQ(Amf0Decoder(reference).read(v), Amf0Error::kUnsupportedMarker);
  const std::vector<uint8_t> avmplus = {0x11, 0x01};
  EXPECT_EQ(Amf0Decoder(avmplus).read(v), Amf0Error::kUnsupportedMarker);
  const std::vector<uint8_t> unknown = {0x42};
  EXPECT_EQ(Amf0Decoder(unknown).read(v), Amf0Error::kUnknownMarker);
  const std::vector<uint8_t> stray_end = {0x09};
  EXPECT_EQ(Amf0Decoder(stray_end).read(v), Amf0Error::kUnexpectedObjectEnd);
}

TEST(Amf0, EcmaArrayWithoutEndMarkerAtEndOfInput) {
  // Some encoders end onMetaData's ECMA array after the last entry.
  const std::vector<uint8_t> bytes = {0x08, 0, 0, 0, 1, 0x00, 0x01, 'w', 0x01, 0x01};
  Amf0Value v;
  ASSERT_EQ(Amf0Decoder(bytes).read(v), Amf0Error::kNone);
  EXPECT_TRUE(v.find("w")->as_boolean());
}

TEST(Amf0, NanAndInfinity) {
  std::vector<uint8_t> out;
  Amf0Writer(out).number(std::nan("")).number(INFINITY);
  std::vector<Amf0Value> v;
  ASSERT_EQ(amf0_decode_all(out, v), Amf0Error::kNone);
  EXPECT_TRUE(std::isnan(v[0].as_number()));
  EXPECT_TRUE(std::isinf(v[1].as_number()));
}

}  // namespace
}  // namespace ringcast::rtmp
