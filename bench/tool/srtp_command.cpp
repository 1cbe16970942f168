// `ringcast-bench srtp`: what one SRTP protect and unprotect of an RTP packet costs with our
// libsrtp2 (2.5.0 built with OpenSSL, linked statically), against Debian's libsrtp2.so.1 (the
// same release built with NSS) measured in the same process, same packets, same keys. The
// reason ringcast builds its own libsrtp2 is this figure (cmake/Libsrtp2.cmake), so it must stay
// measurable. See docs/benchmarks.md.
#include <dlfcn.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "tool/measure.hpp"
#include "tool/srtp_api.hpp"
#include "tool/subcommand_registry.hpp"

namespace ringcast::bench {
namespace {

// Packets are prepared (copied, sequence number set) outside the timed region in batches of
// this many, then protected back to back and unprotected back to back, as a shard handles a
// batch of completions. 256 slots of 1536 bytes stay within L2.
constexpr size_t kBatch = 256;
constexpr size_t kSlotSize = 1536;
constexpr size_t kMaxPacket = kSlotSize - SRTP_MAX_TRAILER_LEN;
constexpr size_t kWarmupPackets = 2000;

struct SrtpOptions {
  size_t payload = 1200;
  size_t packets = 20000;
  size_t runs = 5;
  bool json = false;
  std::string baseline_library = "libsrtp2.so.1";
};

enum class Suite { kCm, kGcm };
constexpr std::array kSuites = {Suite::kCm, Suite::kGcm};

const char* suite_name(Suite suite) { return suite == Suite::kCm ? "cm" : "gcm"; }

// Per-packet figures of one run, in microseconds.
struct RunFigures {
  double protect_us = 0;
  double protect_cpu_us = 0;
  double unprotect_us = 0;
  double unprotect_cpu_us = 0;
};

// One sender and one receiver context of one library and suite, configured as SrtpSession
// configures ours (any SSRC, replay window 1024, repeated transmission allowed), so both
// libraries do the same work per packet.
class SrtpPair {
 public:
  SrtpPair(const SrtpApi& api, Suite suite) : api_(api) {
    // 16-byte key then the salt (14 bytes CM, 12 GCM); same bytes for both libraries.
    std::array<uint8_t, SRTP_MAX_KEY_LEN> key{};
    for (size_t i = 0; i < key.size(); ++i) {
      key[i] = static_cast<uint8_t>(0x3c + 11 * i);
    }
    sender_ = make(suite, ssrc_any_outbound, key.data());
    receiver_ = make(suite, ssrc_any_inbound, key.data());
  }
  SrtpPair(const SrtpPair&) = delete;
  SrtpPair& operator=(const SrtpPair&) = delete;
  ~SrtpPair() {
    api_.dealloc(sender_);
    api_.dealloc(receiver_);
  }

  srtp_t sender() const { return sender_; }
  srtp_t receiver() const { return receiver_; }

 private:
  srtp_t make(Suite suite, srtp_ssrc_type_t type, uint8_t* key) {
    srtp_policy_t policy;
    std::memset(&policy, 0, sizeof(policy));
    if (suite == Suite::kCm) {
      api_.set_cm_policy(&policy.rtp);
      api_.set_cm_policy(&policy.rtcp);
    } else {
      api_.set_gcm_policy(&policy.rtp);
      api_.set_gcm_policy(&policy.rtcp);
    }
    policy.ssrc.type = type;
    policy.key = key;
    policy.window_size = 1024;
    policy.allow_repeat_tx = 1;
    srtp_t session = nullptr;
    if (const srtp_err_status_t status = api_.create(&session, &policy); status) {
      throw std::runtime_error(api_.name + ": srtp_create failed with status " +
                               std::to_string(status));
    }
    return session;
  }

  const SrtpApi& api_;
  srtp_t sender_ = nullptr;
  srtp_t receiver_ = nullptr;
};

// Plaintext RTP packets (RFC 3550 §5.1) of `size` bytes with consecutive sequence numbers.
class PacketSource {
 public:
  explicit PacketSource(size_t size) : plain_(size) {
    for (size_t i = 0; i < size; ++i) {
      plain_[i] = static_cast<uint8_t>(i * 131 + 7);
    }
    plain_[0] = 0x80;
    plain_[1] = 96;
    const uint8_t ssrc[4] = {0x0b, 0xad, 0xf0, 0x0d};
    std::memcpy(&plain_[8], ssrc, 4);
  }

  size_t size() const { return plain_.size(); }

  // Writes the next packet into `slot`; returns it for later comparison.
  void write_next(uint8_t* slot) {
    std::memcpy(slot, plain_.data(), plain_.size());
    slot[2] = static_cast<uint8_t>(seq_ >> 8);
    slot[3] = static_cast<uint8_t>(seq_);
    ++seq_;
  }

  bool matches(const uint8_t* slot) const {
    return std::memcmp(slot + 4, plain_.data() + 4, plain_.size() - 4) == 0;
  }

 private:
  std::vector<uint8_t> plain_;
  uint16_t seq_ = 1;  // wraps; libsrtp's rollover counter follows (RFC 3711 §3.3.1)
};

// Protects and unprotects `packets` packets; returns the time spent inside protect and
// unprotect only, per packet.
RunFigures measure(const SrtpApi& api, SrtpPair& pair, PacketSource& source, size_t packets) {
  std::vector<uint8_t> slots(kBatch * kSlotSize);
  std::array<int, kBatch> lengths{};
  Elapsed protect_total;
  Elapsed unprotect_total;
  size_t done = 0;
  while (done < packets) {
    const size_t batch = std::min(kBatch, packets - done);
    for (size_t i = 0; i < batch; ++i) {
      source.write_next(&slots[i * kSlotSize]);
      lengths[i] = static_cast<int>(source.size());
    }

    srtp_err_status_t failed = srtp_err_status_ok;
    ClockSample start = sample_clocks();
    for (size_t i = 0; i < batch; ++i) {
      failed = static_cast<srtp_err_status_t>(
          failed | api.protect(pair.sender(), &slots[i * kSlotSize], &lengths[i]));
    }
    protect_total += elapsed_since(start);
    if (failed != srtp_err_status_ok) {
      throw std::runtime_error(api.name + ": srtp_protect failed");
    }

    start = sample_clocks();
    for (size_t i = 0; i < batch; ++i) {
      failed = static_cast<srtp_err_status_t>(
          failed | api.unprotect(pair.receiver(), &slots[i * kSlotSize], &lengths[i]));
    }
    unprotect_total += elapsed_since(start);
    if (failed != srtp_err_status_ok) {
      throw std::runtime_error(api.name + ": srtp_unprotect failed");
    }
    for (size_t i = 0; i < batch; ++i) {
      if (static_cast<size_t>(lengths[i]) != source.size() ||
          !source.matches(&slots[i * kSlotSize])) {
        throw std::runtime_error(api.name + ": unprotect did not give back the packet");
      }
    }
    done += batch;
  }
  const double n = static_cast<double>(packets);
  return RunFigures{protect_total.wall_us / n, protect_total.cpu_us / n,
                    unprotect_total.wall_us / n, unprotect_total.cpu_us / n};
}

// Protect with one library, unprotect with the other: proves the baseline does the same
// cryptography (and that calling it through our header is sound).
void check_interop(const SrtpApi& from, const SrtpApi& to, Suite suite, size_t size) {
  SrtpPair sending(from, suite);
  SrtpPair receiving(to, suite);
  PacketSource source(size);
  std::vector<uint8_t> slot(kSlotSize);
  for (int i = 0; i < 3; ++i) {
    source.write_next(slot.data());
    int length = static_cast<int>(size);
    if (from.protect(sending.sender(), slot.data(), &length) != srtp_err_status_ok ||
        to.unprotect(receiving.receiver(), slot.data(), &length) != srtp_err_status_ok ||
        static_cast<size_t>(length) != size || !source.matches(slot.data())) {
      throw std::runtime_error(std::string("interop ") + from.name + " -> " + to.name + " (" +
                               suite_name(suite) + ") failed");
    }
  }
}

struct SuiteResult {
  std::vector<RunFigures> runs;

  double median_of(double RunFigures::*field) const {
    std::vector<double> values;
    for (const RunFigures& run : runs) {
      values.push_back(run.*field);
    }
    return median(values);
  }
};

nlohmann::json number_or_null(double value) {
  return std::isfinite(value) ? nlohmann::json(std::round(value * 1000) / 1000) : nullptr;
}

int run_srtp(const SrtpOptions& options) {
  if (options.payload < 12 || options.payload > kMaxPacket) {
    throw std::runtime_error("--payload must be 12.." + std::to_string(kMaxPacket) + " bytes");
  }

  std::vector<SrtpApi> apis;
  apis.push_back(SrtpApi::linked());
  std::string baseline_note;
  if (auto shared = SrtpApi::load_shared(options.baseline_library.c_str(), "nss", &baseline_note)) {
    apis.push_back(std::move(*shared));
  }
  const bool have_baseline = apis.size() == 2;
  // libsrtp2.so.1 itself pulls NSS in: seeing libnss3 loaded confirms the backend.
  const bool nss_loaded = dlopen("libnss3.so", RTLD_LAZY | RTLD_NOLOAD) != nullptr;
  for (const SrtpApi& api : apis) {
    if (api.init() != srtp_err_status_ok) {
      throw std::runtime_error(api.name + ": srtp_init failed");
    }
  }
  if (have_baseline) {
    for (const Suite suite : kSuites) {
      check_interop(apis[0], apis[1], suite, options.payload);
      check_interop(apis[1], apis[0], suite, options.payload);
    }
  }

  // results[api][suite]; contexts live across runs like a transport's do.
  std::vector<std::array<SuiteResult, 2>> results(apis.size());
  std::vector<std::array<std::unique_ptr<SrtpPair>, 2>> pairs(apis.size());
  std::vector<std::array<std::unique_ptr<PacketSource>, 2>> sources(apis.size());
  for (size_t a = 0; a < apis.size(); ++a) {
    for (size_t s = 0; s < kSuites.size(); ++s) {
      pairs[a][s] = std::make_unique<SrtpPair>(apis[a], kSuites[s]);
      sources[a][s] = std::make_unique<PacketSource>(options.payload);
      measure(apis[a], *pairs[a][s], *sources[a][s], kWarmupPackets);
    }
  }
  // Runs interleave the libraries and suites so that a disturbance (another process on this
  // core, frequency changes) hits all of them alike rather than one of them entirely.
  for (size_t run = 0; run < options.runs; ++run) {
    for (size_t a = 0; a < apis.size(); ++a) {
      for (size_t s = 0; s < kSuites.size(); ++s) {
        results[a][s].runs.push_back(
            measure(apis[a], *pairs[a][s], *sources[a][s], options.packets));
      }
    }
  }

  auto figure = [&](size_t a, size_t s, double RunFigures::*field) {
    return a < apis.size() ? results[a][s].median_of(field) : std::nan("");
  };

  nlohmann::json summary;
  summary["bench"] = "srtp";
  summary["payload_bytes"] = options.payload;
  summary["packets"] = options.packets;
  summary["runs"] = options.runs;
  summary["statistic"] = "median of runs, microseconds per packet";
  summary["openssl_library"] = apis[0].library_path;
  summary["openssl_version"] = apis[0].version;
  summary["nss_library"] = have_baseline ? nlohmann::json(apis[1].library_path) : nullptr;
  summary["nss_version"] = have_baseline ? nlohmann::json(apis[1].version) : nullptr;
  summary["nss_backend_loaded"] = nss_loaded;
  summary["interop_checked"] = have_baseline;
  summary["note"] = have_baseline ? nlohmann::json(nullptr)
                                  : nlohmann::json("baseline not measured: " + baseline_note +
                                                   " (apt-get install libsrtp2-1)");
  const char* api_keys[] = {"openssl", "nss"};
  for (size_t a = 0; a < 2; ++a) {
    for (size_t s = 0; s < kSuites.size(); ++s) {
      const std::string prefix = std::string(api_keys[a]) + "_" + suite_name(kSuites[s]);
      summary[prefix + "_protect_us"] = number_or_null(figure(a, s, &RunFigures::protect_us));
      summary[prefix + "_protect_cpu_us"] =
          number_or_null(figure(a, s, &RunFigures::protect_cpu_us));
      summary[prefix + "_unprotect_us"] = number_or_null(figure(a, s, &RunFigures::unprotect_us));
      summary[prefix + "_unprotect_cpu_us"] =
          number_or_null(figure(a, s, &RunFigures::unprotect_cpu_us));
    }
  }
  // Ours divided by NSS: 0.25 means a quarter of the baseline's cost.
  for (size_t s = 0; s < kSuites.size(); ++s) {
    const std::string suite = suite_name(kSuites[s]);
    summary[suite + "_ratio_to_nss"] = number_or_null(figure(0, s, &RunFigures::protect_us) /
                                                      figure(1, s, &RunFigures::protect_us));
    summary[suite + "_unprotect_ratio_to_nss"] = number_or_null(
        figure(0, s, &RunFigures::unprotect_us) / figure(1, s, &RunFigures::unprotect_us));
    summary[suite + "_cpu_ratio_to_nss"] = number_or_null(
        figure(0, s, &RunFigures::protect_cpu_us) / figure(1, s, &RunFigures::protect_cpu_us));
    summary[suite + "_unprotect_cpu_ratio_to_nss"] = number_or_null(
        figure(0, s, &RunFigures::unprotect_cpu_us) / figure(1, s, &RunFigures::unprotect_cpu_us));
  }
  // CPU time over wall time of all timed regions. Well below 1 means this thread was waiting for
  // a core (other processes on a small machine): trust the CPU figures then, not the wall ones.
  double cpu_total = 0;
  double wall_total = 0;
  for (const auto& per_api : results) {
    for (const SuiteResult& result : per_api) {
      for (const RunFigures& run : result.runs) {
        cpu_total += run.protect_cpu_us + run.unprotect_cpu_us;
        wall_total += run.protect_us + run.unprotect_us;
      }
    }
  }
  const double cpu_to_wall = cpu_total / wall_total;
  summary["cpu_to_wall"] = number_or_null(cpu_to_wall);

  const ProcessUsage usage = process_usage();
  summary["process_user_s"] = number_or_null(usage.user_s);
  summary["process_system_s"] = number_or_null(usage.system_s);

  if (options.json) {
    std::printf("%s\n", summary.dump().c_str());
    return 0;
  }
  std::printf("ringcast-bench srtp: %zu-byte RTP packets, %zu packets x %zu runs\n",
              options.payload, options.packets, options.runs);
  std::printf("  openssl: %s in %s (static)\n", apis[0].version.c_str(),
              apis[0].library_path.c_str());
  if (have_baseline) {
    std::printf("  nss:     %s in %s (dlopen; libnss3 %s; interop checked both ways)\n",
                apis[1].version.c_str(), apis[1].library_path.c_str(),
                nss_loaded ? "loaded" : "NOT loaded");
  } else {
    std::printf("  nss:     not measured: %s\n", baseline_note.c_str());
  }
  std::printf("\n  us per packet, median of runs    protect            unprotect\n");
  std::printf("  library  suite                 wall      CPU       wall      CPU\n");
  for (size_t a = 0; a < apis.size(); ++a) {
    for (size_t s = 0; s < kSuites.size(); ++s) {
      std::printf(
          "  %-8s %-5s %20.3f %8.3f %10.3f %8.3f\n", apis[a].name.c_str(), suite_name(kSuites[s]),
          figure(a, s, &RunFigures::protect_us), figure(a, s, &RunFigures::protect_cpu_us),
          figure(a, s, &RunFigures::unprotect_us), figure(a, s, &RunFigures::unprotect_cpu_us));
    }
  }
  if (have_baseline) {
    std::printf("  openssl/nss cm %21.3f %8.3f %10.3f %8.3f\n",
                summary["cm_ratio_to_nss"].get<double>(),
                summary["cm_cpu_ratio_to_nss"].get<double>(),
                summary["cm_unprotect_ratio_to_nss"].get<double>(),
                summary["cm_unprotect_cpu_ratio_to_nss"].get<double>());
    std::printf("  openssl/nss gcm %20.3f %8.3f %10.3f %8.3f\n",
                summary["gcm_ratio_to_nss"].get<double>(),
                summary["gcm_cpu_ratio_to_nss"].get<double>(),
                summary["gcm_unprotect_ratio_to_nss"].get<double>(),
                summary["gcm_unprotect_cpu_ratio_to_nss"].get<double>());
  }
  std::printf(
      "\n  process CPU (getrusage): user %.2f s, system %.2f s; CPU/wall in timed code %.2f\n",
      usage.user_s, usage.system_s, cpu_to_wall);
  if (cpu_to_wall < 0.9) {
    std::printf(
        "  note: this thread waited for a core (a busy machine): compare the CPU columns\n");
  }
  return 0;
}

SubcommandRun setup_srtp(CLI::App& command) {
  auto options = std::make_shared<SrtpOptions>();
  command
      .add_option("--payload", options->payload,
                  "RTP packet size in bytes before protection, header included")
      ->capture_default_str();
  command.add_option("--packets", options->packets, "packets per run, per library and suite")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command.add_option("--runs", options->runs, "runs; the figures are their medians")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command
      .add_option("--baseline-library", options->baseline_library,
                  "shared libsrtp2 to compare against (Debian's is built with NSS)")
      ->capture_default_str();
  command.add_flag("--json", options->json, "print one JSON object on the last line");
  return [options] { return run_srtp(*options); };
}

const SubcommandRegistration kRegistration{
    {"srtp", "SRTP protect/unprotect cost per packet: our OpenSSL libsrtp2 vs Debian's NSS build",
     &setup_srtp}};

}  // namespace
}  // namespace ringcast::bench
