#include "tests/testing/process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace mops::testing {
namespace {

std::atomic<int> g_counter{0};

pid_t Spawn(const std::vector<std::string>& argv, const Env& env,
            const std::string& stdout_path, const std::string& stderr_path,
            const std::string& cwd = "") {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    for (const auto& [k, v] : env) {
      if (v.empty()) {
        unsetenv(k.c_str());
      } else {
        setenv(k.c_str(), v.c_str(), 1);
      }
    }
    if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(126);
    int in = open("/dev/null", O_RDONLY);
    dup2(in, 0);
    if (!stdout_path.empty()) {
      int out = open(stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(out, 1);
    }
    if (!stderr_path.empty()) {
      int err = open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      dup2(err, 2);
    }
    // The test blocks no signals the child should see, but be explicit.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

int DecodeStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

RunResult Run(const std::vector<std::string>& argv, const Env& env,
              const std::string& scratch_dir, const std::string& cwd) {
  int n = g_counter++;
  std::string out = scratch_dir + "/run-" + std::to_string(n) + ".out";
  std::string err = scratch_dir + "/run-" + std::to_string(n) + ".err";
  ::unlink(err.c_str());
  pid_t pid = Spawn(argv, env, out, err, cwd);
  int status = 0;
  waitpid(pid, &status, 0);
  RunResult r;
  r.exit_code = DecodeStatus(status);
  r.out = ReadFileOrEmpty(out);
  r.err = ReadFileOrEmpty(err);
  return r;
}

Process::Process(const std::vector<std::string>& argv, const Env& env,
                 const std::string& stderr_path) {
  pid_ = Spawn(argv, env, "", stderr_path);
}

Process::~Process() {
  if (running()) {
    Signal(SIGKILL);
    Wait();
  }
}

bool Process::running() {
  if (pid_ <= 0 || exited_) return false;
  if (waitpid(pid_, &status_, WNOHANG) == pid_) {
    exited_ = true;
    return false;
  }
  return true;
}

void Process::Signal(int sig) {
  if (running()) kill(pid_, sig);
}

int Process::Wait() {
  if (!exited_ && pid_ > 0) {
    waitpid(pid_, &status_, 0);
    exited_ = true;
  }
  return DecodeStatus(status_);
}

Mopsd::Mopsd(const std::string& binary, const std::string& data_dir,
             const std::vector<std::string>& extra_args) {
  int n = g_counter++;
  std::string port_file = data_dir + ".port-" + std::to_string(n);
  log_path_ = data_dir + ".log-" + std::to_string(n);
  ::unlink(port_file.c_str());
  std::vector<std::string> argv = {binary,       "--listen", "127.0.0.1:0",
                                   "--data-dir", data_dir,   "--port-file",
                                   port_file};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  process_ = std::make_unique<Process>(argv, Env{}, log_path_);
  for (int i = 0; i < 400; ++i) {
    std::string addr = ReadFileOrEmpty(port_file);
    if (!addr.empty() && addr.back() == '\n') {
      addr.pop_back();
      address_ = addr;
      return;
    }
    if (!process_->running()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

std::string Mopsd::Log() const { return ReadFileOrEmpty(log_path_); }

}  // namespace mops::testing
