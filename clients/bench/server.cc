// The server: starting mopsd (--spawn), timing its restarts, and reading its
// RSS, CPU time and data folder size.
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clients/bench/bench.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"

namespace mops::bench {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// The mopsd that --spawn started, stopped if the bench gives up.
pid_t g_spawned = 0;

[[noreturn]] void Die(const std::string& what, const grpc::Status& s) {
  std::cerr << "mops-bench: " << what << ": " << s.error_message() << " (code "
            << s.error_code() << ")\n";
  if (g_spawned > 0) kill(g_spawned, SIGKILL);
  std::exit(1);
}

namespace {

pid_t StartMopsd(const Options& o, const std::string& data_dir,
                 const std::string& port_file, const std::string& log) {
  ::unlink(port_file.c_str());
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(fd, 2);
    execl(o.mopsd.c_str(), o.mopsd.c_str(), "--listen", "127.0.0.1:0",
          "--data-dir", data_dir.c_str(), "--port-file", port_file.c_str(),
          "--log-level", "warn", "--webhook-allow-private-targets",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

// Waits for the port file and a SERVING health answer; returns the address.
std::string WaitServing(const std::string& port_file, pid_t pid,
                        absl::Duration limit) {
  absl::Time until = absl::Now() + limit;
  while (absl::Now() < until) {
    std::string addr = ReadFile(port_file);
    if (!addr.empty()) {
      auto health = grpc::health::v1::Health::NewStub(NewChannel(addr, -1));
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(1));
      grpc::health::v1::HealthCheckResponse resp;
      if (health->Check(&ctx, {}, &resp).ok() &&
          resp.status() == grpc::health::v1::HealthCheckResponse::SERVING) {
        return addr;
      }
    }
    int status;
    if (waitpid(pid, &status, WNOHANG) == pid) return "";
    absl::SleepFor(absl::Milliseconds(5));
  }
  return "";
}

}  // namespace

int SpawnMopsd(Options* o, Server* server) {
  const char* tmp = std::getenv("TMPDIR");
  std::string tmpl = absl::StrCat(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp",
                                  "/mops-bench-XXXXXX");
  if (mkdtemp(tmpl.data()) == nullptr) {
    std::cerr << "mops-bench: cannot make a folder " << tmpl << ": "
              << std::strerror(errno) << "\n";
    return 1;
  }
  server->tmp_dir = tmpl;
  server->data_dir = server->tmp_dir + "/data";
  server->port_file = server->tmp_dir + "/port";
  server->log = server->tmp_dir + "/mopsd.log";
  server->pid =
      StartMopsd(*o, server->data_dir, server->port_file, server->log);
  g_spawned = server->pid;
  server->address =
      WaitServing(server->port_file, server->pid, absl::Seconds(30));
  if (server->address.empty()) {
    std::cerr << "mops-bench: mopsd did not start; its log:\n"
              << ReadFile(server->log) << "\n";
    return 1;
  }
  server->admin_token = ReadFile(server->data_dir + "/admin.token");
  o->server_pid = server->pid;
  o->data_dir = server->data_dir;
  return 0;
}

// After kill -9 first, while the WAL still holds everything written since
// the last flushes (the slow case), then after a clean stop.
RestartTimes TimeRestartsAndStop(const Options& o, Server* server) {
  RestartTimes times;
  for (int sig : {SIGKILL, SIGTERM}) {
    kill(server->pid, sig);
    int status;
    waitpid(server->pid, &status, 0);
    auto t0 = Clock::now();
    server->pid =
        StartMopsd(o, server->data_dir, server->port_file, server->log);
    g_spawned = server->pid;
    std::string addr =
        WaitServing(server->port_file, server->pid, absl::Seconds(120));
    double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    if (addr.empty()) secs = -1;
    (sig == SIGTERM ? times.after_stop : times.after_kill) = secs;
  }
  kill(server->pid, SIGTERM);
  int status;
  waitpid(server->pid, &status, 0);
  if (!o.keep) {
    std::error_code ec;
    std::filesystem::remove_all(server->tmp_dir, ec);
  } else {
    std::cerr << "kept " << server->data_dir << "\n";
  }
  return times;
}

int64_t RssBytes(int pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      int64_t kb = 0;
      std::sscanf(line.c_str(), "VmRSS: %ld", &kb);
      return kb * 1024;
    }
  }
  return -1;
}

// CPU seconds the process has used (user + system).
double CpuSeconds(int pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string stat((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return -1;
  std::vector<std::string> f = absl::StrSplit(stat.substr(close + 2), ' ');
  double utime = 0, stime = 0;
  if (f.size() < 13 || !absl::SimpleAtod(f[11], &utime) ||
      !absl::SimpleAtod(f[12], &stime)) {
    return -1;
  }
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// After a bulk load RocksDB compacts for a while; measuring then would
// charge that to whichever scenario runs first. Waits (at most `limit`)
// until the server uses under a tenth of a core.
void WaitIdle(int pid, absl::Duration limit) {
  absl::Time until = absl::Now() + limit;
  double last = CpuSeconds(pid);
  while (absl::Now() < until && last >= 0) {
    absl::SleepFor(absl::Seconds(1));
    double now = CpuSeconds(pid);
    if (now - last < 0.1) return;
    last = now;
  }
}

int64_t FolderBytes(const std::string& dir) {
  int64_t total = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec)) {
    if (e.is_regular_file(ec)) total += static_cast<int64_t>(e.file_size(ec));
  }
  return total;
}

}  // namespace mops::bench
