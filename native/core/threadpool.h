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

// While one lives, parallelFor/parallelTasks on this thread run inline instead of using the pool:
// for kernels run on a background thread (async augmentation) next to the JS thread's pool work.
class SerialScope {
 public:
  SerialScope();
  ~SerialScope();
  SerialScope(const SerialScope&) = delete;
  SerialScope& operator=(const SerialScope&) = delete;

 private:
  bool previous_;
};

}  // namespace selfsup
