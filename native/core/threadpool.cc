// Thread pool: workers block on a condition variable; a job is a task count plus a function and
// an atomic next-task counter. The calling thread works too, so N threads = N-1 workers + caller.
#include "threadpool.h"

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#include "selfsup/kernels.h"

namespace selfsup {
namespace {

struct Pool {
  std::mutex mu;
  std::condition_variable wake, done;
  std::vector<std::thread> workers;
  const std::function<void(int64_t)>* job = nullptr;
  int64_t tasks = 0;
  std::atomic<int64_t> next{0};
  int active = 0;          // workers still inside the current job
  uint64_t generation = 0;
  bool stopping = false;
  // Atomic: read without the submit lock by numThreads() (kernels on the async augmentation
  // thread size their chunks with it) while setNumThreads may resize.
  std::atomic<int> threads{1};

  void runTasks() {
    for (;;) {
      int64_t i = next.fetch_add(1);
      if (i >= tasks) break;
      (*job)(i);
    }
  }

  void workerLoop() {
    uint64_t seen = 0;
    for (;;) {
      {
        std::unique_lock<std::mutex> lk(mu);
        wake.wait(lk, [&] { return stopping || generation != seen; });
        if (stopping) return;
        seen = generation;
      }
      runTasks();
      std::lock_guard<std::mutex> lk(mu);
      if (--active == 0) done.notify_one();
    }
  }

  void resize(int n) {
    stop();
    threads = n < 1 ? 1 : n;
    stopping = false;
    for (int i = 0; i < threads.load() - 1; i++) workers.emplace_back([this] { workerLoop(); });
  }

  void stop() {
    {
      std::lock_guard<std::mutex> lk(mu);
      stopping = true;
    }
    wake.notify_all();
    for (auto& t : workers) t.join();
    workers.clear();
  }

  ~Pool() { stop(); }
};

Pool& pool() {
  static Pool* p = [] {
    auto* pl = new Pool();  // leaked on purpose: joining threads during static destruction can deadlock
    int n = (int)std::thread::hardware_concurrency();
    if (const char* env = std::getenv("SELFSUP_NUM_THREADS")) {
      int v = std::atoi(env);
      if (v > 0) n = v;
    }
    pl->resize(n > 0 ? n : 1);
    return pl;
  }();
  return *p;
}

thread_local bool t_inParallel = false;
std::mutex g_submit;  // one job at a time (several JS environments may share the addon)

}  // namespace

int numThreads() { return pool().threads; }

SerialScope::SerialScope() : previous_(t_inParallel) { t_inParallel = true; }
SerialScope::~SerialScope() { t_inParallel = previous_; }

void setNumThreads(int n) {
  std::lock_guard<std::mutex> lk(g_submit);
  pool().resize(n);
}

void parallelTasks(int64_t tasks, const std::function<void(int64_t)>& fn) {
  if (tasks <= 0) return;
  Pool& p = pool();
  if (t_inParallel || p.threads == 1 || tasks == 1) {
    for (int64_t i = 0; i < tasks; i++) fn(i);
    return;
  }
  std::lock_guard<std::mutex> submit(g_submit);
  {
    std::lock_guard<std::mutex> lk(p.mu);
    p.job = &fn;
    p.tasks = tasks;
    p.next = 0;
    p.active = (int)p.workers.size();
    p.generation++;
  }
  p.wake.notify_all();
  t_inParallel = true;
  p.runTasks();
  t_inParallel = false;
  std::unique_lock<std::mutex> lk(p.mu);
  p.done.wait(lk, [&] { return p.active == 0; });
  p.job = nullptr;
}

void parallelFor(int64_t n, const std::function<void(int64_t, int64_t)>& fn, int64_t chunks) {
  if (n <= 0) return;
  if (chunks <= 0) chunks = numThreads();
  if (chunks > n) chunks = n;
  parallelTasks(chunks, [&](int64_t c) {
    int64_t b = n * c / chunks, e = n * (c + 1) / chunks;
    if (b < e) fn(b, e);
  });
}

}  // namespace selfsup

extern "C" {
void ss_set_num_threads(int n) { selfsup::setNumThreads(n); }
int ss_get_num_threads(void) { return selfsup::numThreads(); }
}
