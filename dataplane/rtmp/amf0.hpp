#pragma once

// AMF0 (Adobe Action Message Format 0 specification): the encoding of RTMP commands and data
// messages. Commands arrive a few times per connection, so decoded values are plain owning
// objects; the decoder is still hostile-input proof: every length is bound-checked against the
// input, nesting depth is limited, and counts announced by arrays never drive allocation.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ringcast::rtmp {

// AMF0 spec 2.1: type markers.
enum class Amf0Marker : uint8_t {
  kNumber = 0x00,
  kBoolean = 0x01,
  kString = 0x02,
  kObject = 0x03,
  kMovieClip = 0x04,
  kNull = 0x05,
  kUndefined = 0x06,
  kReference = 0x07,
  kEcmaArray = 0x08,
  kObjectEnd = 0x09,
  kStrictArray = 0x0A,
  kDate = 0x0B,
  kLongString = 0x0C,
  kUnsupported = 0x0D,
  kRecordset = 0x0E,
  kXmlDocument = 0x0F,
  kTypedObject = 0x10,
  kAvmPlus = 0x11,
};

inline constexpr uint32_t kAmf0DefaultMaxDepth = 32;
// Decoded values per decoder. A value costs ~100 bytes in memory but can cost one byte on the
// wire (a strict array of nulls), so without a budget a 16 MiB message could cost gigabytes.
inline constexpr uint32_t kAmf0DefaultMaxValues = 65536;

class Amf0Value;
struct Amf0Property;
using Amf0Properties = std::vector<Amf0Property>;
using Amf0Array = std::vector<Amf0Value>;

class Amf0Value {
 public:
  enum class Type : uint8_t {
    kNull,
    kUndefined,
    kNumber,
    kBoolean,
    kString,  // string, long string and XML document
    kObject,
    kEcmaArray,
    kStrictArray,
    kDate,
    kTypedObject,
  };

  Amf0Value() = default;
  static Amf0Value null();
  static Amf0Value undefined();
  static Amf0Value number(double v);
  static Amf0Value boolean(bool v);
  static Amf0Value string(std::string v);
  // No default arguments: Amf0Property is still incomplete here, and clang instantiates a
  // defaulted vector argument eagerly.
  static Amf0Value object();
  static Amf0Value object(Amf0Properties properties);
  static Amf0Value ecma_array(Amf0Properties properties);
  static Amf0Value strict_array(Amf0Array items);
  static Amf0Value date(double ms_since_epoch, int16_t timezone = 0);
  static Amf0Value typed_object(std::string class_name, Amf0Properties properties);

  Type type() const { return type_; }
  bool is_null_or_undefined() const { return type_ == Type::kNull || type_ == Type::kUndefined; }
  bool is_number() const { return type_ == Type::kNumber; }
  bool is_string() const { return type_ == Type::kString; }
  bool has_properties() const {
    return type_ == Type::kObject || type_ == Type::kEcmaArray || type_ == Type::kTypedObject;
  }

  // Number (or date milliseconds); `fallback` for other types.
  double as_number(double fallback = 0) const;
  bool as_boolean(bool fallback = false) const;
  // String contents; empty for other types.
  std::string_view as_string() const;
  // Class name of a typed object.
  std::string_view class_name() const;
  int16_t timezone() const { return timezone_; }

  const Amf0Properties& properties() const { return properties_; }
  Amf0Properties& properties() { return properties_; }
  const Amf0Array& items() const { return items_; }
  Amf0Array& items() { return items_; }

  // First property named `key` of an object, ECMA array or typed object; nullptr when absent.
  const Amf0Value* find(std::string_view key) const;
  // Property helpers for building objects; set() replaces an existing key.
  Amf0Value& set(std::string key, Amf0Value value);

  bool operator==(const Amf0Value& other) const;

 private:
  Type type_ = Type::kNull;
  bool boolean_ = false;
  int16_t timezone_ = 0;
  double number_ = 0;
  std::string string_;  // string value or typed object class name
  Amf0Properties properties_;
  Amf0Array items_;
};

struct Amf0Property {
  std::string key;
  Amf0Value value;
  bool operator==(const Amf0Property& other) const = default;
};

enum class Amf0Error : uint8_t {
  kNone,
  kTruncated,
  kUnknownMarker,
  // Reference, MovieClip, Recordset and AVM+ switch: not used by RTMP peers we serve; a reference
  // could also alias objects into cycles.
  kUnsupportedMarker,
  kTooDeep,
  kUnexpectedObjectEnd,
  kTooManyValues,
};

std::string_view to_string(Amf0Error error);

class Amf0Decoder {
 public:
  explicit Amf0Decoder(std::span<const uint8_t> data, uint32_t max_depth = kAmf0DefaultMaxDepth,
                       uint32_t max_values = kAmf0DefaultMaxValues);

  // Decodes the next value; on error the decoder's position is unspecified.
  Amf0Error read(Amf0Value& out);
  // Decodes the next value only if it is a string (the fast path for command names).
  Amf0Error read_string(std::string& out);

  bool at_end() const { return pos_ >= data_.size(); }
  size_t offset() const { return pos_; }
  std::span<const uint8_t> remaining() const { return data_.subspan(pos_); }

 private:
  Amf0Error read_value(Amf0Value& out, uint32_t depth);
  Amf0Error read_properties(Amf0Properties& out, uint32_t depth, bool lenient_end);
  Amf0Error read_utf8(std::string& out);
  Amf0Error read_long_utf8(std::string& out);

  std::span<const uint8_t> data_;
  size_t pos_ = 0;
  uint32_t max_depth_;
  uint32_t values_left_;
};

// Decodes every value of `data` into `out`.
Amf0Error amf0_decode_all(std::span<const uint8_t> data, std::vector<Amf0Value>& out,
                          uint32_t max_depth = kAmf0DefaultMaxDepth,
                          uint32_t max_values = kAmf0DefaultMaxValues);

// Appends AMF0 encodings to a byte vector. Strings longer than 65535 bytes become long strings.
class Amf0Writer {
 public:
  explicit Amf0Writer(std::vector<uint8_t>& out) : out_(out) {}

  Amf0Writer& number(double v);
  Amf0Writer& boolean(bool v);
  Amf0Writer& string(std::string_view v);
  Amf0Writer& null();
  Amf0Writer& undefined();
  Amf0Writer& object_begin();
  Amf0Writer& ecma_array_begin(uint32_t count);
  // A property name inside an object or ECMA array; follow it with a value.
  Amf0Writer& key(std::string_view name);
  Amf0Writer& object_end();
  Amf0Writer& value(const Amf0Value& v);

 private:
  void properties(const Amf0Properties& props);

  std::vector<uint8_t>& out_;
};

}  // namespace ringcast::rtmp
