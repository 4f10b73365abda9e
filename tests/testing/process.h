// Starting the real binaries from tests: mopsd in the background, mops to
// completion with its output captured.
#ifndef MOPS_TESTS_TESTING_PROCESS_H_
#define MOPS_TESTS_TESTING_PROCESS_H_

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mops::testing {

using Env = std::map<std::string, std::string>;

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs argv to completion with `env` added to this process's environment,
// in the folder `cwd` (empty: this process's). Output goes through files
// under `scratch_dir`.
RunResult Run(const std::vector<std::string>& argv, const Env& env,
              const std::string& scratch_dir, const std::string& cwd = "");

// A child process; killed with SIGKILL if still running when destroyed.
class Process {
 public:
  Process(const std::vector<std::string>& argv, const Env& env,
          const std::string& stderr_path);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  void Signal(int sig);
  // Waits for exit; returns the exit code, or 128 + signal number.
  int Wait();
  // Reaps the child if it has exited.
  bool running();

 private:
  pid_t pid_ = -1;
  bool exited_ = false;
  int status_ = 0;
};

// mopsd on 127.0.0.1 with a free port, in `data_dir`.
class Mopsd {
 public:
  Mopsd(const std::string& binary, const std::string& data_dir,
        const std::vector<std::string>& extra_args = {});
  // The bound HOST:PORT; empty if the server did not come up within 20 s.
  const std::string& address() const { return address_; }
  const std::string& log_path() const { return log_path_; }
  std::string Log() const;
  Process& process() { return *process_; }

 private:
  std::string address_;
  std::string log_path_;
  std::unique_ptr<Process> process_;
};

std::string ReadFileOrEmpty(const std::string& path);

}  // namespace mops::testing

#endif  // MOPS_TESTS_TESTING_PROCESS_H_
