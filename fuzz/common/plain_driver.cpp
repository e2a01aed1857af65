// A main() for fuzz targets built without libFuzzer (g++, the release build):
// it runs LLVMFuzzerTestOneInput once on each file given, and on every file of
// each directory given (sorted by name), so that ctest replays every corpus
// file. With no argument it runs the empty input once (the FIFO schedule).

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

namespace {

bool run_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "%s: cannot read\n", p.c_str());
    return false;
  }
  const std::vector<char> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  std::fprintf(stderr, "running %s (%zu bytes)\n", p.c_str(), bytes.size());
  // A copy of exactly `size` bytes, as libFuzzer passes it, so ASan sees overreads.
  std::vector<std::uint8_t> data(bytes.begin(), bytes.end());
  LLVMFuzzerTestOneInput(data.empty() ? nullptr : data.data(), data.size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
  std::vector<std::filesystem::path> files;
  bool ok = true;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path p = argv[i];
    if (std::filesystem::is_directory(p)) {
      std::vector<std::filesystem::path> in_dir;
      for (const auto& e : std::filesystem::directory_iterator(p))
        if (e.is_regular_file()) in_dir.push_back(e.path());
      std::sort(in_dir.begin(), in_dir.end());
      if (in_dir.empty()) {
        std::fprintf(stderr, "%s: no files\n", p.c_str());
        ok = false;
      }
      files.insert(files.end(), in_dir.begin(), in_dir.end());
    } else {
      files.push_back(p);
    }
  }
  if (argc == 1) {
    LLVMFuzzerTestOneInput(nullptr, 0);
    std::fprintf(stderr, "ran the empty input\n");
    return 0;
  }
  std::size_t ran = 0;
  for (const auto& f : files) ran += run_file(f) ? 1 : 0;
  std::fprintf(stderr, "ran %zu input(s)\n", ran);
  return ok && ran == files.size() ? 0 : 1;
}
