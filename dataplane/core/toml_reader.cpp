#include "core/toml_reader.hpp"

#include <arpa/inet.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "core/config.hpp"

namespace ringcast::core {

std::string read_config_file(const std::filesystem::path& file) {
  FILE* handle = fopen(file.c_str(), "rb");
  if (handle == nullptr) {
    throw ConfigError(fmt::format("{}: cannot open: {}", file.string(), strerror(errno)));
  }
  std::string text;
  char chunk[4096];
  size_t got = 0;
  while ((got = fread(chunk, 1, sizeof chunk, handle)) > 0) {
    text.append(chunk, got);
  }
  fclose(handle);
  return text;
}

toml::table parse_config_text(std::string_view text, std::string_view source_name) {
  try {
    return toml::parse(text, source_name);
  } catch (const toml::parse_error& error) {
    throw ConfigError(fmt::format("{} (line {}): {}", source_name, error.source().begin.line,
                                  error.description()));
  }
}

std::string TomlSectionReader::where(const toml::node& node) {
  const auto& source = node.source();
  if (source.begin.line == 0) {
    return {};
  }
  return fmt::format(" (line {})", source.begin.line);
}

const toml::table* TomlSectionReader::section_table(const toml::table& root) const {
  const toml::node* node = root.get(section_);
  if (node == nullptr) {
    return nullptr;
  }
  const toml::table* table = node->as_table();
  if (table == nullptr) {
    throw ConfigError(fmt::format("{}{}: must be a table", section_, where(*node)));
  }
  return table;
}

void TomlSectionReader::fail(const toml::node& node, std::string_view key,
                             std::string_view problem) const {
  throw ConfigError(fmt::format("{}.{}{}: {}", section_, key, where(node), problem));
}

int64_t TomlSectionReader::integer(const toml::node& node, std::string_view key, int64_t min,
                                   int64_t max) const {
  const auto* value = node.as_integer();
  if (value == nullptr) {
    fail(node, key, "must be an integer");
  }
  if (value->get() < min || value->get() > max) {
    fail(node, key, fmt::format("{} is outside {}..{}", value->get(), min, max));
  }
  return value->get();
}

bool TomlSectionReader::boolean(const toml::node& node, std::string_view key) const {
  const auto* value = node.as_boolean();
  if (value == nullptr) {
    fail(node, key, "must be true or false");
  }
  return value->get();
}

std::string TomlSectionReader::string(const toml::node& node, std::string_view key) const {
  const auto* value = node.as_string();
  if (value == nullptr || value->get().empty()) {
    fail(node, key, "must be a non-empty string");
  }
  return value->get();
}

std::string TomlSectionReader::ipv4(const toml::node& node, std::string_view key) const {
  const auto* value = node.as_string();
  if (value == nullptr) {
    fail(node, key, "must be a string holding an IPv4 address");
  }
  in_addr parsed{};
  if (inet_pton(AF_INET, value->get().c_str(), &parsed) != 1) {
    fail(node, key, fmt::format("'{}' is not an IPv4 address", value->get()));
  }
  return value->get();
}

}  // namespace ringcast::core
