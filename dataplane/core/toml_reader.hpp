#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include <toml++/toml.h>

namespace ringcast::core {

// The whole configuration file as text, or a ConfigError naming the file.
std::string read_config_file(const std::filesystem::path& file);

// Parses TOML text; a syntax error becomes a ConfigError with the line.
toml::table parse_config_text(std::string_view text, std::string_view source_name);

// Reads the keys of one section of the configuration file. Every error is a ConfigError that
// names the key as `<section>.<key>` and, when the value came from the file, its line, so each
// section's parser reports problems the same way.
class TomlSectionReader {
 public:
  explicit TomlSectionReader(std::string section) : section_(std::move(section)) {}

  // The section's table in `root`, null when absent; a ConfigError if it is not a table.
  const toml::table* section_table(const toml::table& root) const;

  [[noreturn]] void fail(const toml::node& node, std::string_view key,
                         std::string_view problem) const;

  int64_t integer(const toml::node& node, std::string_view key, int64_t min, int64_t max) const;
  bool boolean(const toml::node& node, std::string_view key) const;
  // A non-empty string.
  std::string string(const toml::node& node, std::string_view key) const;
  // A string holding an IPv4 address.
  std::string ipv4(const toml::node& node, std::string_view key) const;

  // " (line N)" when the node came from the file, else empty.
  static std::string where(const toml::node& node);

 private:
  std::string section_;
};

}  // namespace ringcast::core
