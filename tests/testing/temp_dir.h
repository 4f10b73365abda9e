// A unique temporary folder, removed when the object goes away, so that
// tests never share a path and can run in parallel.
#ifndef MOPS_TESTS_TESTING_TEMP_DIR_H_
#define MOPS_TESTS_TESTING_TEMP_DIR_H_

#include <string>

namespace mops::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + name.
  std::string Sub(const std::string& name) const;

 private:
  std::string path_;
};

}  // namespace mops::testing

#endif  // MOPS_TESTS_TESTING_TEMP_DIR_H_
