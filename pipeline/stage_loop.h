#pragma once

#include <chrono>

#include "pipeline/bounded_queue.h"
#include "pipeline/messages.h"
#include "pipeline/stage_timings.h"

namespace portier {

// Pops until the stream ends, timing each item.
template <class T, class F>
void for_each_item(BoundedQueue<T>& in, StageTimings& timings, F&& process) {
  while (auto item = in.pop()) {
    const auto start = Clock::now();
    process(std::move(item));
    timings.add(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
}

}  // namespace portier
