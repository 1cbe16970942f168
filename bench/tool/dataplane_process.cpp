#include "tool/dataplane_process.hpp"

#include <arpa/inet.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "net/socket.hpp"

namespace ringcast::bench {

namespace fs = std::filesystem;

namespace {
constexpr auto kServerStartTimeout = std::chrono::seconds(10);
}  // namespace

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const cpu_set_t& affinity,
                           const fs::path& output) {
  pid_ = fork();
  if (pid_ < 0) {
    throw std::runtime_error(std::string("fork: ") + strerror(errno));
  }
  if (pid_ == 0) {
    sched_setaffinity(0, sizeof affinity, &affinity);
    if (FILE* out = std::freopen(output.c_str(), "a", stdout); out != nullptr) {
      dup2(fileno(out), STDERR_FILENO);
    }
    std::vector<char*> args;
    for (const std::string& arg : argv) {
      args.push_back(const_cast<char*>(arg.c_str()));
    }
    args.push_back(nullptr);
    execv(args[0], args.data());
    std::fprintf(stderr, "exec %s: %s\n", args[0], strerror(errno));
    _exit(127);
  }
}

bool ChildProcess::exited() {
  if (pid_ <= 0) {
    return true;
  }
  if (waitpid(pid_, &status_, WNOHANG) == pid_) {
    pid_ = -1;
    return true;
  }
  return false;
}

std::optional<int> ChildProcess::wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!exited()) {
    if (std::chrono::steady_clock::now() > deadline) {
      stop(std::chrono::seconds(2));
      return std::nullopt;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (WIFEXITED(status_)) {
    return WEXITSTATUS(status_);
  }
  return std::nullopt;
}

bool ChildProcess::stop(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) {
    return true;
  }
  kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (exited()) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status_, 0);
  pid_ = -1;
  return false;
}

TempDir::TempDir(const std::string& prefix) {
  std::string pattern = (fs::temp_directory_path() / (prefix + "-XXXXXX")).string();
  if (mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error(std::string("mkdtemp: ") + strerror(errno));
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

cpu_set_t process_affinity() {
  cpu_set_t cpus;
  CPU_ZERO(&cpus);
  sched_getaffinity(0, sizeof cpus, &cpus);
  return cpus;
}

// Fields 14 and 15 of /proc/PID/stat (proc(5)), counted in clock ticks.
std::optional<double> process_cpu_us(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The command name (field 2) may hold spaces and parentheses: fields resume after the last ')'.
  const size_t close = text.rfind(')');
  if (close == std::string::npos) {
    return std::nullopt;
  }
  std::istringstream fields(text.substr(close + 1));
  std::string field;
  double ticks = 0;
  for (int index = 3; index <= 15 && fields >> field; ++index) {
    if (index == 14 || index == 15) {
      ticks += std::stod(field);
    }
  }
  return ticks * 1e6 / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Field 2 of each /proc/PID/task/TID/schedstat. Shows how much of a latency figure is the
// machine's other load.
std::optional<double> process_run_delay_us(pid_t pid) {
  std::error_code error;
  fs::directory_iterator tasks("/proc/" + std::to_string(pid) + "/task", error);
  if (error) {
    return std::nullopt;
  }
  double total_ns = 0;
  for (const fs::directory_entry& task : tasks) {
    std::ifstream in(task.path() / "schedstat");
    double on_cpu = 0;
    double waiting = 0;
    if (in >> on_cpu >> waiting) {
      total_ns += waiting;
    }
  }
  return total_ns / 1000.0;
}

uint16_t free_udp_port() {
  net::SocketResult socket = net::open_udp_socket("127.0.0.1", 0);
  if (!socket.ok()) {
    throw std::runtime_error(socket.error);
  }
  sockaddr_in address{};
  socklen_t length = sizeof address;
  getsockname(socket.fd.get(), reinterpret_cast<sockaddr*>(&address), &length);
  return ntohs(address.sin_port);
}

std::string tail_of(const fs::path& path) {
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return text.size() > 2000 ? text.substr(text.size() - 2000) : text;
}

sockaddr_in ipv4(const std::string& ip, uint32_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, ip.c_str(), &address.sin_addr) != 1) {
    throw std::runtime_error("'" + ip + "' is not an IPv4 address");
  }
  return address;
}

control::Response call_checked(proto::ControlClient& client, const control::Request& request,
                               const char* what) {
  control::Response response = client.call(request);
  if (response.has_error() && response.error().code() != control::ERROR_CODE_UNSPECIFIED) {
    throw std::runtime_error(std::string(what) + " failed: " + response.error().reason() + " (" +
                             control::ErrorCode_Name(response.error().code()) + ")");
  }
  return response;
}

std::map<std::string, uint64_t> shard_counters(proto::ControlClient& client) {
  control::Request request;
  request.mutable_get_stats();
  const control::Response response = call_checked(client, request, "GetStats");
  std::map<std::string, uint64_t> counters;
  for (const control::ShardStats& shard : response.stats().shards()) {
    for (const auto& [name, value] : shard.counters()) {
      counters[name] += value;
    }
  }
  return counters;
}

DataplaneProcess::DataplaneProcess(const fs::path& bin, const std::vector<int>& cores,
                                   const cpu_set_t& affinity, const fs::path& dir)
    : socket_(dir / "dataplane.sock"), log_(dir / "dataplane.log") {
  const fs::path config = dir / "dataplane.toml";
  {
    std::ofstream out(config);
    out << "[dataplane]\nlisten_ip = \"127.0.0.1\"\nannounced_ip = \"127.0.0.1\"\n"
        << "udp_port_base = " << free_udp_port() << "\ncores = [";
    for (size_t i = 0; i < cores.size(); ++i) {
      out << (i > 0 ? ", " : "") << cores[i];
    }
    out << "]\ncontrol_socket = \"" << socket_.string() << "\"\n";
  }
  process_.emplace(
      std::vector<std::string>{(bin / "ringcast-dataplane").string(), "--config", config.string()},
      affinity, log_);
  const auto deadline = std::chrono::steady_clock::now() + kServerStartTimeout;
  for (;;) {
    if (process_->exited()) {
      throw std::runtime_error("ringcast-dataplane exited at start:\n" + tail_of(log_));
    }
    if (fs::exists(socket_)) {
      try {
        proto::ControlClient probe(socket_, "ringcast-bench probe");
        return;
      } catch (const proto::ControlClientError&) {
      }
    }
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("ringcast-dataplane did not open its control socket:\n" +
                               tail_of(log_));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace ringcast::bench
