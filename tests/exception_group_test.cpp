// Tests of weft::exception_group (exceptions.hpp), Python's ExceptionGroup as
// TaskGroup raises it: message, exceptions in order, what() ("MSG (N
// sub-exception[s])"), and split<E>() / subgroup<E>() (the matching that
// `except*` does) over nested groups. No event order is involved, so there is
// no reference program; each expectation is what CPython 3.13 returns for the
// same group, quoted in the comment above it (BaseExceptionGroup and
// ExceptionGroup are one type in weft).

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "reference.hpp"
#include "text.hpp"

namespace {

using group = weft::exception_group;
using ptr = std::exception_ptr;

ptr value_error(const std::string& s) { return std::make_exception_ptr(std::invalid_argument(s)); }
ptr runtime_error(const std::string& s) { return std::make_exception_ptr(std::runtime_error(s)); }
ptr cancelled(const std::string& s) { return std::make_exception_ptr(weft::cancelled_error(s)); }
ptr nested(const std::string& msg, std::vector<ptr> excs) { return std::make_exception_ptr(group(msg, std::move(excs))); }

/// "msg[ValueError(a), inner[ValueError(c)]]": a group's structure.
std::string shape(const ptr& e);
std::string shape(const group& g) {
  std::string out = g.message() + "[";
  for (std::size_t i = 0; i < g.exceptions().size(); ++i) out += (i ? ", " : "") + shape(g.exceptions()[i]);
  return out + "]";
}
std::string shape(const ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const group& g) {
    return shape(g);
  } catch (...) {
    return weft_test::describe(e);
  }
}
std::string shape(const std::optional<group>& g) { return g ? shape(*g) : "None"; }

/// ExceptionGroup('outer', [ValueError('a'),
///                          ExceptionGroup('inner', [RuntimeError('b'), ValueError('c')]),
///                          RuntimeError('d')])
group sample() {
  return group("outer", {value_error("a"), nested("inner", {runtime_error("b"), value_error("c")}), runtime_error("d")});
}

TEST(ExceptionGroupTest, MessageExceptionsAndWhat) {
  group one("unhandled errors in a TaskGroup", {value_error("x")});
  // str(ExceptionGroup('unhandled errors in a TaskGroup', [ValueError('x')]))
  EXPECT_STREQ(one.what(), "unhandled errors in a TaskGroup (1 sub-exception)");
  EXPECT_EQ(one.message(), "unhandled errors in a TaskGroup");
  group g = sample();
  EXPECT_STREQ(g.what(), "outer (3 sub-exceptions)");
  ASSERT_EQ(g.exceptions().size(), 3u);
  EXPECT_EQ(shape(g), "outer[ValueError(a), inner[RuntimeError(b), ValueError(c)], RuntimeError(d)]");
  const std::exception& as_std = g;  // ExceptionGroup is an Exception
  EXPECT_STREQ(as_std.what(), "outer (3 sub-exceptions)");
}

TEST(ExceptionGroupTest, SplitKeepsNestedStructureOnBothSides) {
  // eg.split(ValueError) ->
  //   ExceptionGroup(outer)[ValueError(a), ExceptionGroup(inner)[ValueError(c)]]
  //   ExceptionGroup(outer)[ExceptionGroup(inner)[RuntimeError(b)], RuntimeError(d)]
  auto [match, rest] = sample().split<std::invalid_argument>();
  EXPECT_EQ(shape(match), "outer[ValueError(a), inner[ValueError(c)]]");
  EXPECT_EQ(shape(rest), "outer[inner[RuntimeError(b)], RuntimeError(d)]");
  ASSERT_TRUE(match);
  EXPECT_STREQ(match->what(), "outer (2 sub-exceptions)");
  // eg.split(RuntimeError) is the mirror image.
  auto [m2, r2] = sample().split<std::runtime_error>();
  EXPECT_EQ(shape(m2), "outer[inner[RuntimeError(b)], RuntimeError(d)]");
  EXPECT_EQ(shape(r2), "outer[ValueError(a), inner[ValueError(c)]]");
}

TEST(ExceptionGroupTest, SplitWithNoMatchOrAllMatching) {
  // eg.split(TypeError) -> (None, <the whole group>)
  auto [none, all] = sample().split<std::domain_error>();
  EXPECT_EQ(shape(none), "None");
  EXPECT_EQ(shape(all), "outer[ValueError(a), inner[RuntimeError(b), ValueError(c)], RuntimeError(d)]");
  // eg.split(Exception) -> (eg, None)
  auto [every, nothing] = sample().split<std::exception>();
  EXPECT_EQ(shape(every), "outer[ValueError(a), inner[RuntimeError(b), ValueError(c)], RuntimeError(d)]");
  EXPECT_EQ(shape(nothing), "None");
}

TEST(ExceptionGroupTest, SubgroupIsTheMatchingPart) {
  // eg.subgroup(ValueError) -> ExceptionGroup(outer)[ValueError(a), ExceptionGroup(inner)[ValueError(c)]]
  EXPECT_EQ(shape(sample().subgroup<std::invalid_argument>()), "outer[ValueError(a), inner[ValueError(c)]]");
  // eg.subgroup(TypeError) -> None
  EXPECT_EQ(shape(sample().subgroup<std::domain_error>()), "None");
  // ExceptionGroup('o', [ExceptionGroup('i', [ValueError('x')]), RuntimeError('y')]).subgroup(ValueError)
  //   -> ExceptionGroup(o)[ExceptionGroup(i)[ValueError(x)]]: a nested group that matches
  //   entirely is kept, and one left empty disappears.
  group g("o", {nested("i", {value_error("x")}), runtime_error("y")});
  EXPECT_EQ(shape(g.subgroup<std::invalid_argument>()), "o[i[ValueError(x)]]");
  EXPECT_EQ(shape(g.split<std::invalid_argument>().second), "o[RuntimeError(y)]");
}

TEST(ExceptionGroupTest, SplitByGroupTypeMatchesTheWholeGroup) {
  // eg.split(ExceptionGroup) -> (eg, None): split() tests the group itself
  // first (BaseExceptionGroup.split: "if the condition matches self, return
  // (self, None)") before looking at its members.
  auto [match, rest] = sample().split<weft::exception_group>();
  EXPECT_EQ(shape(match), "outer[ValueError(a), inner[RuntimeError(b), ValueError(c)], RuntimeError(d)]");
  EXPECT_EQ(shape(rest), "None");
}

TEST(ExceptionGroupTest, SplitStdExceptionSeparatesNestedCancellation) {
  // BaseExceptionGroup('outer', [ValueError('a'),
  //     BaseExceptionGroup('inner', [CancelledError('c'), ValueError('v')])]).split(Exception) ->
  //   ExceptionGroup(outer)[ValueError(a), ExceptionGroup(inner)[ValueError(v)]]
  //   BaseExceptionGroup(outer)[BaseExceptionGroup(inner)[CancelledError(c)]]
  // A group holding a CancelledError is a BaseExceptionGroup, not an Exception,
  // so it is split rather than matched whole.
  group g("outer", {value_error("a"), nested("inner", {cancelled("c"), value_error("v")})});
  auto [match, rest] = g.split<std::exception>();
  EXPECT_EQ(shape(match), "outer[ValueError(a), inner[ValueError(v)]]");
  EXPECT_EQ(shape(rest), "outer[inner[CancelledError(c)]]");
  // .split(CancelledError) is the mirror image.
  auto [m2, r2] = g.split<weft::cancelled_error>();
  EXPECT_EQ(shape(m2), "outer[inner[CancelledError(c)]]");
  EXPECT_EQ(shape(r2), "outer[ValueError(a), inner[ValueError(v)]]");
}

TEST(ExceptionGroupTest, HoldsAndIsCancelledError) {
  EXPECT_TRUE(group::holds<std::invalid_argument>(value_error("a")));
  EXPECT_TRUE(group::holds<std::logic_error>(value_error("a")));
  EXPECT_FALSE(group::holds<std::runtime_error>(value_error("a")));
  EXPECT_FALSE(group::holds<std::exception>(cancelled("c")));
  EXPECT_TRUE(weft::is_cancelled_error(cancelled("c")));
  EXPECT_FALSE(weft::is_cancelled_error(value_error("a")));
  EXPECT_FALSE(weft::is_cancelled_error(nullptr));
}

}  // namespace
