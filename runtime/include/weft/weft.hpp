#pragma once
/// Everything weft's runtime offers, in one include.

#include "weft/clock.hpp"
#include "weft/coro.hpp"
#include "weft/event_loop.hpp"
#include "weft/exceptions.hpp"
#include "weft/future.hpp"
#include "weft/run.hpp"
#include "weft/scheduler.hpp"
#include "weft/sleep.hpp"
#include "weft/task.hpp"
