#include "rtmp/amf0.hpp"

#include <bit>
#include <cstring>
#include <utility>

#include "rtmp/byte_io.hpp"

namespace ringcast::rtmp {

Amf0Value Amf0Value::null() { return Amf0Value{}; }

Amf0Value Amf0Value::undefined() {
  Amf0Value v;
  v.type_ = Type::kUndefined;
  return v;
}

Amf0Value Amf0Value::number(double n) {
  Amf0Value v;
  v.type_ = Type::kNumber;
  v.number_ = n;
  return v;
}

Amf0Value Amf0Value::boolean(bool b) {
  Amf0Value v;
  v.type_ = Type::kBoolean;
  v.boolean_ = b;
  return v;
}

Amf0Value Amf0Value::string(std::string s) {
  Amf0Value v;
  v.type_ = Type::kString;
  v.string_ = std::move(s);
  return v;
}

Amf0Value Amf0Value::object() {
  Amf0Value v;
  v.type_ = Type::kObject;
  return v;
}

Amf0Value Amf0Value::object(Amf0Properties properties) {
  Amf0Value v;
  v.type_ = Type::kObject;
  v.properties_ = std::move(properties);
  return v;
}

Amf0Value Amf0Value::ecma_array(Amf0Properties properties) {
  Amf0Value v = object(std::move(properties));
  v.type_ = Type::kEcmaArray;
  return v;
}

Amf0Value Amf0Value::strict_array(Amf0Array items) {
  Amf0Value v;
  v.type_ = Type::kStrictArray;
  v.items_ = std::move(items);
  return v;
}

Amf0Value Amf0Value::date(double ms_since_epoch, int16_t timezone) {
  Amf0Value v;
  v.type_ = Type::kDate;
  v.number_ = ms_since_epoch;
  v.timezone_ = timezone;
  return v;
}

Amf0Value Amf0Value::typed_object(std::string class_name, Amf0Properties properties) {
  Amf0Value v = object(std::move(properties));
  v.type_ = Type::kTypedObject;
  v.string_ = std::move(class_name);
  return v;
}

double Amf0Value::as_number(double fallback) const {
  return type_ == Type::kNumber || type_ == Type::kDate ? number_ : fallback;
}

bool Amf0Value::as_boolean(bool fallback) const {
  return type_ == Type::kBoolean ? boolean_ : fallback;
}

std::string_view Amf0Value::as_string() const {
  return type_ == Type::kString ? std::string_view(string_) : std::string_view();
}

std::string_view Amf0Value::class_name() const {
  return type_ == Type::kTypedObject ? std::string_view(string_) : std::string_view();
}

const Amf0Value* Amf0Value::find(std::string_view key) const {
  for (const auto& p : properties_) {
    if (p.key == key) {
      return &p.value;
    }
  }
  return nullptr;
}

Amf0Value& Amf0Value::set(std::string key, Amf0Value value) {
  for (auto& p : properties_) {
    if (p.key == key) {
      p.value = std::move(value);
      return *this;
    }
  }
  properties_.push_back(Amf0Property{std::move(key), std::move(value)});
  return *this;
}

bool Amf0Value::operator==(const Amf0Value& other) const {
  if (type_ != other.type_) {
    return false;
  }
  switch (type_) {
    case Type::kNull:
    case Type::kUndefined:
      return true;
    case Type::kNumber:
      return number_ == other.number_;
    case Type::kBoolean:
      return boolean_ == other.boolean_;
    case Type::kString:
      return string_ == other.string_;
    case Type::kDate:
      return number_ == other.number_ && timezone_ == other.timezone_;
    case Type::kStrictArray:
      return items_ == other.items_;
    case Type::kObject:
    case Type::kEcmaArray:
    case Type::kTypedObject:
      return string_ == other.string_ && properties_ == other.properties_;
  }
  return false;
}

std::string_view to_string(Amf0Error error) {
  switch (error) {
    case Amf0Error::kNone:
      return "none";
    case Amf0Error::kTruncated:
      return "truncated AMF0 value";
    case Amf0Error::kUnknownMarker:
      return "unknown AMF0 type marker";
    case Amf0Error::kUnsupportedMarker:
      return "unsupported AMF0 type (reference, movie clip, recordset or AVM+)";
    case Amf0Error::kTooDeep:
      return "AMF0 nesting too deep";
    case Amf0Error::kUnexpectedObjectEnd:
      return "AMF0 object end outside an object";
    case Amf0Error::kTooManyValues:
      return "too many AMF0 values";
  }
  return "unknown";
}

Amf0Decoder::Amf0Decoder(std::span<const uint8_t> data, uint32_t max_depth, uint32_t max_values)
    : data_(data), max_depth_(max_depth), values_left_(max_values) {}

Amf0Error Amf0Decoder::read(Amf0Value& out) { return read_value(out, 0); }

Amf0Error Amf0Decoder::read_string(std::string& out) {
  if (at_end()) {
    return Amf0Error::kTruncated;
  }
  const auto marker = static_cast<Amf0Marker>(data_[pos_]);
  if (marker != Amf0Marker::kString && marker != Amf0Marker::kLongString) {
    return Amf0Error::kUnknownMarker;
  }
  ++pos_;
  return marker == Amf0Marker::kString ? read_utf8(out) : read_long_utf8(out);
}

Amf0Error Amf0Decoder::read_utf8(std::string& out) {
  // AMF0 spec 1.3: UTF-8 = U16 byte length, then the bytes.
  if (data_.size() - pos_ < 2) {
    return Amf0Error::kTruncated;
  }
  const size_t n = load_be16(data_.data() + pos_);
  pos_ += 2;
  if (data_.size() - pos_ < n) {
    return Amf0Error::kTruncated;
  }
  out.assign(reinterpret_cast<const char*>(data_.data() + pos_), n);
  pos_ += n;
  return Amf0Error::kNone;
}

Amf0Error Amf0Decoder::read_long_utf8(std::string& out) {
  if (data_.size() - pos_ < 4) {
    return Amf0Error::kTruncated;
  }
  const size_t n = load_be32(data_.data() + pos_);
  pos_ += 4;
  if (data_.size() - pos_ < n) {
    return Amf0Error::kTruncated;
  }
  out.assign(reinterpret_cast<const char*>(data_.data() + pos_), n);
  pos_ += n;
  return Amf0Error::kNone;
}

Amf0Error Amf0Decoder::read_properties(Amf0Properties& out, uint32_t depth, bool lenient_end) {
  for (;;) {
    // Some encoders end an ECMA array after its announced entries without the end marker.
    if (lenient_end && at_end()) {
      return Amf0Error::kNone;
    }
    // AMF0 spec 2.11: an empty key followed by the object-end marker closes the object.
    if (data_.size() - pos_ >= 3 && data_[pos_] == 0 && data_[pos_ + 1] == 0 &&
        data_[pos_ + 2] == static_cast<uint8_t>(Amf0Marker::kObjectEnd)) {
      pos_ += 3;
      return Amf0Error::kNone;
    }
    Amf0Property p;
    if (auto e = read_utf8(p.key); e != Amf0Error::kNone) {
      return e;
    }
    if (auto e = read_value(p.value, depth); e != Amf0Error::kNone) {
      return e;
    }
    out.push_back(std::move(p));
  }
}

Amf0Error Amf0Decoder::read_value(Amf0Value& out, uint32_t depth) {
  if (at_end()) {
    return Amf0Error::kTruncated;
  }
  if (values_left_ == 0) {
    return Amf0Error::kTooManyValues;
  }
  --values_left_;
  const auto marker = static_cast<Amf0Marker>(data_[pos_++]);
  switch (marker) {
    case Amf0Marker::kNumber: {
      if (data_.size() - pos_ < 8) {
        return Amf0Error::kTruncated;
      }
      const uint64_t bits =
          (uint64_t{load_be32(data_.data() + pos_)} << 32) | load_be32(data_.data() + pos_ + 4);
      pos_ += 8;
      out = Amf0Value::number(std::bit_cast<double>(bits));
      return Amf0Error::kNone;
    }
    case Amf0Marker::kBoolean:
      if (at_end()) {
        return Amf0Error::kTruncated;
      }
      out = Amf0Value::boolean(data_[pos_++] != 0);
      return Amf0Error::kNone;
    case Amf0Marker::kString:
    case Amf0Marker::kLongString:
    case Amf0Marker::kXmlDocument: {
      std::string s;
      const auto e = marker == Amf0Marker::kString ? read_utf8(s) : read_long_utf8(s);
      if (e != Amf0Error::kNone) {
        return e;
      }
      out = Amf0Value::string(std::move(s));
      return Amf0Error::kNone;
    }
    case Amf0Marker::kNull:
      out = Amf0Value::null();
      return Amf0Error::kNone;
    case Amf0Marker::kUndefined:
    case Amf0Marker::kUnsupported:
      out = Amf0Value::undefined();
      return Amf0Error::kNone;
    case Amf0Marker::kObject:
    case Amf0Marker::kEcmaArray:
    case Amf0Marker::kTypedObject: {
      if (depth >= max_depth_) {
        return Amf0Error::kTooDeep;
      }
      std::string class_name;
      if (marker == Amf0Marker::kTypedObject) {
        if (auto e = read_utf8(class_name); e != Amf0Error::kNone) {
          return e;
        }
      } else if (marker == Amf0Marker::kEcmaArray) {
        // AMF0 spec 2.10: the associative count is only a hint; the end marker terminates.
        if (data_.size() - pos_ < 4) {
          return Amf0Error::kTruncated;
        }
        pos_ += 4;
      }
      Amf0Properties props;
      if (auto e = read_properties(props, depth + 1, marker == Amf0Marker::kEcmaArray);
          e != Amf0Error::kNone) {
        return e;
      }
      if (marker == Amf0Marker::kObject) {
        out = Amf0Value::object(std::move(props));
      } else if (marker == Amf0Marker::kEcmaArray) {
        out = Amf0Value::ecma_array(std::move(props));
      } else {
        out = Amf0Value::typed_object(std::move(class_name), std::move(props));
      }
      return Amf0Error::kNone;
    }
    case Amf0Marker::kStrictArray: {
      if (depth >= max_depth_) {
        return Amf0Error::kTooDeep;
      }
      if (data_.size() - pos_ < 4) {
        return Amf0Error::kTruncated;
      }
      const uint32_t count = load_be32(data_.data() + pos_);
      pos_ += 4;
      // Every element takes at least one byte, so a count beyond the remaining input is a lie;
      // the loop below is bounded by the input, and nothing is reserved from the count.
      Amf0Array items;
      for (uint32_t i = 0; i < count; ++i) {
        Amf0Value item;
        if (auto e = read_value(item, depth + 1); e != Amf0Error::kNone) {
          return e;
        }
        items.push_back(std::move(item));
      }
      out = Amf0Value::strict_array(std::move(items));
      return Amf0Error::kNone;
    }
    case Amf0Marker::kDate: {
      // AMF0 spec 2.13: DOUBLE milliseconds, then S16 time zone (reserved, should be 0).
      if (data_.size() - pos_ < 10) {
        return Amf0Error::kTruncated;
      }
      const uint64_t bits =
          (uint64_t{load_be32(data_.data() + pos_)} << 32) | load_be32(data_.data() + pos_ + 4);
      const auto tz = static_cast<int16_t>(load_be16(data_.data() + pos_ + 8));
      pos_ += 10;
      out = Amf0Value::date(std::bit_cast<double>(bits), tz);
      return Amf0Error::kNone;
    }
    case Amf0Marker::kObjectEnd:
      return Amf0Error::kUnexpectedObjectEnd;
    case Amf0Marker::kMovieClip:
    case Amf0Marker::kReference:
    case Amf0Marker::kRecordset:
    case Amf0Marker::kAvmPlus:
      return Amf0Error::kUnsupportedMarker;
  }
  return Amf0Error::kUnknownMarker;
}

Amf0Error amf0_decode_all(std::span<const uint8_t> data, std::vector<Amf0Value>& out,
                          uint32_t max_depth, uint32_t max_values) {
  Amf0Decoder decoder(data, max_depth, max_values);
  while (!decoder.at_end()) {
    Amf0Value v;
    if (auto e = decoder.read(v); e != Amf0Error::kNone) {
      return e;
    }
    out.push_back(std::move(v));
  }
  return Amf0Error::kNone;
}

Amf0Writer& Amf0Writer::number(double v) {
  out_.push_back(static_cast<uint8_t>(Amf0Marker::kNumber));
  const auto bits = std::bit_cast<uint64_t>(v);
  append_be32(out_, static_cast<uint32_t>(bits >> 32));
  append_be32(out_, static_cast<uint32_t>(bits));
  return *this;
}

Amf0Writer& Amf0Writer::boolean(bool v) {
  out_.push_back(static_cast<uint8_t>(Amf0Marker::kBoolean));
  out_.push_back(v ? 1 : 0);
  return *this;
}

Amf0Writer& Amf0Writer::string(std::string_view v) {
  if (v.size() > 0xFFFF) {
    out_.push_back(static_cast<uint8_t>(Amf0Marker::kLongString));
    append_be32(out_, static_cast<uint32_t>(v.size()));
  } else {
    out_.push_back(static_cast<uint8_t>(Amf0Marker::kString));
    append_be16(out_, static_cast<uint16_t>(v.size()));
  }
  out_.insert(out_.end(), v.begin(), v.end());
  return *this;
}

Amf0Writer& Amf0Writer::null() {
  out_.push_back(static_cast<uint8_t>(Amf0Marker::kNull));
  return *this;
}

Amf0Writer& Amf0Writer::undefined() {
  out_.push_back(static_cast<uint8_t>(Amf0Marker::kUndefined));
  return *this;
}

Amf0Writer& Amf0Writer::object_begin() {
  out_.push_back(static_cast<uint8_t>(Amf0Marker::kObject));
  return *this;
}

Amf0Writer& Amf0Writer::ecma_array_begin(uint32_t count) {
  out_.push_back(static_cast<uint8_t>(Amf0Marker::kEcmaArray));
  append_be32(out_, count);
  return *this;
}

Amf0Writer& Amf0Writer::key(std::string_view name) {
  // Property names are UTF-8 without a marker; longer than 65535 bytes cannot be encoded.
  const size_t n = name.size() > 0xFFFF ? 0xFFFF : name.size();
  append_be16(out_, static_cast<uint16_t>(n));
  out_.insert(out_.end(), name.begin(), name.begin() + static_cast<std::ptrdiff_t>(n));
  return *this;
}

Amf0Writer& Amf0Writer::object_end() {
  out_.push_back(0);
  out_.push_back(0);
  out_.push_back(static_cast<uint8_t>(Amf0Marker::kObjectEnd));
  return *this;
}

void Amf0Writer::properties(const Amf0Properties& props) {
  for (const auto& p : props) {
    key(p.key);
    value(p.value);
  }
  object_end();
}

Amf0Writer& Amf0Writer::value(const Amf0Value& v) {
  switch (v.type()) {
    case Amf0Value::Type::kNull:
      return null();
    case Amf0Value::Type::kUndefined:
      return undefined();
    case Amf0Value::Type::kNumber:
      return number(v.as_number());
    case Amf0Value::Type::kBoolean:
      return boolean(v.as_boolean());
    case Amf0Value::Type::kString:
      return string(v.as_string());
    case Amf0Value::Type::kObject:
      object_begin();
      properties(v.properties());
      return *this;
    case Amf0Value::Type::kEcmaArray:
      ecma_array_begin(static_cast<uint32_t>(v.properties().size()));
      properties(v.properties());
      return *this;
    case Amf0Value::Type::kTypedObject: {
      out_.push_back(static_cast<uint8_t>(Amf0Marker::kTypedObject));
      key(v.class_name());
      properties(v.properties());
      return *this;
    }
    case Amf0Value::Type::kStrictArray:
      out_.push_back(static_cast<uint8_t>(Amf0Marker::kStrictArray));
      append_be32(out_, static_cast<uint32_t>(v.items().size()));
      for (const auto& item : v.items()) {
        value(item);
      }
      return *this;
    case Amf0Value::Type::kDate: {
      out_.push_back(static_cast<uint8_t>(Amf0Marker::kDate));
      const auto bits = std::bit_cast<uint64_t>(v.as_number());
      append_be32(out_, static_cast<uint32_t>(bits >> 32));
      append_be32(out_, static_cast<uint32_t>(bits));
      append_be16(out_, static_cast<uint16_t>(v.timezone()));
      return *this;
    }
  }
  return *this;
}

}  // namespace ringcast::rtmp
