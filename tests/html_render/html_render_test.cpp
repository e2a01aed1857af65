// The HTML report of `weft replay --html` as a browser renders it: headless
// Chromium loads the page from disk, runs its script, and we read back the
// DOM it built and the screenshot it took. Without Chromium (`apt-get install
// chromium`, scripts/install-deps.sh) the program prints why and exits 77,
// which ctest reports as a skip.

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <regex>
#include <string>

#include "cli.hpp"

namespace {

namespace fs = std::filesystem;
using weft_test::read_bytes;
using weft_test::show;

constexpr int skip_code = 77;

/// The browser: $WEFT_CHROMIUM, else the first of Debian's and others' names on PATH.
std::optional<std::string> find_chromium() {
  if (const char* env = std::getenv("WEFT_CHROMIUM"); env && *env) return std::string(env);
  const char* path = std::getenv("PATH");
  if (!path) return std::nullopt;
  for (const char* name : {"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}) {
    std::string dirs = path;
    for (std::size_t start = 0; start <= dirs.size();) {
      std::size_t end = dirs.find(':', start);
      if (end == std::string::npos) end = dirs.size();
      const fs::path candidate = fs::path(dirs.substr(start, end - start)) / name;
      if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
      start = end + 1;
    }
  }
  return std::nullopt;
}

std::string chromium;

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

std::string bundled(const std::string& name) {
  return fs::weakly_canonical(fs::path(WEFT_CONFORMANCE_DIR) / ".." / "examples" / "scenarios" / (name + ".json"))
      .string();
}

/// An attribute's value on the element with id `id` in a dumped DOM ("" if absent).
std::string attribute(const std::string& dom, const std::string& id, const std::string& attr) {
  const std::size_t at = dom.find("id=\"" + id + "\"");
  if (at == std::string::npos) return "";
  const std::size_t open = dom.rfind('<', at), close = dom.find('>', at);
  const std::string tag = dom.substr(open, close - open);
  std::smatch m;
  if (std::regex_search(tag, m, std::regex(attr + "=\"([^\"]*)\""))) return m[1];
  return "";
}

std::string sh(const std::string& s) { return weft_test::quoted(s); }

class HtmlRenderTest : public weft_test::cli_fixture {
 protected:
  /// Writes the report of lost_update's race; returns its path.
  std::string report() {
    const std::string out = (dir_ / "report.html").string();
    const auto r = weft({"replay", bundled("lost_update"), "--schedule", "w1.AQABAgADYiMwA2EjMA", "--html", out});
    EXPECT_EQ(r.exit_code, 1) << show(r);
    return out;
  }
  /// Runs headless Chromium on `page` with `args` (a profile of the test's own,
  /// so parallel runs do not share one).
  weft_test::cli_result browse(const std::string& page, const std::string& args) {
    return shell(sh(chromium) + " --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir=" +
                 sh((dir_ / "profile").string()) + " " + args + " " + sh("file://" + page));
  }
};

TEST_F(HtmlRenderTest, TheBrowserBuildsTheLanesAndTheRace) {
  const auto r = browse(report(), "--dump-dom");
  ASSERT_EQ(r.exit_code, 0) << show(r);
  const std::string& dom = r.out;
  // The page's script ran and counted what the browser built from the SVG.
  EXPECT_EQ(attribute(dom, "render-check", "data-lanes"), "3") << dom.substr(0, 2000);
  EXPECT_EQ(attribute(dom, "render-check", "data-steps"), "7");
  EXPECT_EQ(attribute(dom, "render-check", "data-arrows"), "6");  // every step but main's first was made ready by one
  const std::string width = attribute(dom, "render-check", "data-width");
  ASSERT_FALSE(width.empty());
  EXPECT_GT(std::stoi(width), 300);  // laid out, not an empty box
  EXPECT_TRUE(contains(dom, "b#0 (at its start) ran before a#0 (at its start)"));
  EXPECT_TRUE(contains(dom, "assertion failed: count == 2 (was 1)"));
  for (const char* lane : {"main", "a", "b"}) EXPECT_TRUE(contains(dom, std::string("data-name=\"") + lane + "\"")) << lane;
}

TEST_F(HtmlRenderTest, TheScreenshotHasTheWindowsSizeAndIsNotBlank) {
  const std::string png = (dir_ / "report.png").string();
  const auto r = browse(report(), "--hide-scrollbars --window-size=1200,800 --screenshot=" + sh(png));
  ASSERT_EQ(r.exit_code, 0) << show(r);
  const std::string bytes = read_bytes(png);
  ASSERT_GT(bytes.size(), 24u) << show(r);
  EXPECT_EQ(bytes.substr(1, 3), "PNG");
  auto be32 = [&](std::size_t at) {
    return (static_cast<unsigned>(static_cast<unsigned char>(bytes[at])) << 24) |
           (static_cast<unsigned>(static_cast<unsigned char>(bytes[at + 1])) << 16) |
           (static_cast<unsigned>(static_cast<unsigned char>(bytes[at + 2])) << 8) |
           static_cast<unsigned>(static_cast<unsigned char>(bytes[at + 3]));
  };
  EXPECT_EQ(be32(16), 1200u);  // IHDR width
  EXPECT_EQ(be32(20), 800u);   // IHDR height
  // A blank page compresses to a few kilobytes; text, boxes and arrows do not.
  EXPECT_GT(bytes.size(), 20000u);
}

}  // namespace

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  const auto found = find_chromium();
  if (!found) {
    std::printf("SKIP: no headless browser (chromium) on PATH and WEFT_CHROMIUM unset: "
                "the HTML report's rendering is not checked (apt-get install chromium)\n");
    return skip_code;
  }
  chromium = *found;
  return RUN_ALL_TESTS();
}
