// The addon's own thread pool: a fixed set of workers running parallelFor chunks. Work is split
// into chunks by index, so results that depend on the split are never thread-count dependent
// unless a caller chooses so. Nested parallelFor calls run inline on the calling thread.
#pragma once
#include <cstdint>
#include <functional>

namespace selfsup {

int numThreads();
void setNumThreads(int n);
// Calls fn(begin, end) over [0, n) in `chunks` contiguous pieces (default: one per thread).
void parallelFor(int64_t n, const std::function<void(int64_t, int64_t)>& fn, int64_t chunks = 0);
// Calls fn(i) for each task i in [0, tasks), tasks handed out dynamically.
void parallelTasks(int64_t tasks, const std::function<void(int64_t)>& fn);

}  // namespace selfsup
