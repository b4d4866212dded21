// A small persistent thread pool behind mro::parallel_for (parallel.h).
//
// One job at a time: the caller publishes a Job, wakes the workers with notify_all and works on chunks itself; every
// thread claims chunks from the job's counter until none is left. The caller then sleeps until the last chunk has
// finished and no worker still looks at the job. Idle workers block in condition_variable::wait, so they cost
// nothing between jobs.
#include "parallel.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace mro {
namespace detail {
namespace {

constexpr int kMaxThreads = 256;

thread_local bool inside_parallel_region = false;

// One job: chunk c covers [begin + c * chunk_size, min(end, begin + (c + 1) * chunk_size)). Lives on the stack of
// the thread that submitted it; that thread returns only once no worker holds a pointer to it any more.
struct Job {
  ChunkFn fn;
  void* context;
  int64_t begin, end, chunk_size;
  int chunks;
  std::atomic<int> next_chunk{0};
  int unfinished;  // chunks not yet finished (guarded by the pool's mutex)
  int users = 0;   // workers inside work(*this) (guarded by the pool's mutex)
  std::exception_ptr error;  // the first exception a chunk threw (guarded by the pool's mutex)
};

class ThreadPool {
 public:
  // Created on first use and never destroyed: workers stay asleep until the process exits, and no destructor has to
  // join threads while the runtime shuts down.
  static ThreadPool& instance() {
    static ThreadPool* pool = new ThreadPool();
    return *pool;
  }

  // Runs every chunk of the job and returns true; or returns false at once when another thread's job holds the pool.
  bool try_run(Job& job) {
    std::unique_lock<std::mutex> job_lock(job_mutex_, std::try_to_lock);
    if (!job_lock.owns_lock()) return false;
    ensure_workers(job.chunks - 1);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      job_ = &job;
      ++generation_;
    }
    wake_.notify_all();
    work(job);
    {
      std::unique_lock<std::mutex> lock(mutex_);
      done_.wait(lock, [&] { return job.unfinished == 0 && job.users == 0; });
      job_ = nullptr;
    }
    if (job.error) std::rethrow_exception(job.error);
    return true;
  }

 private:
  ThreadPool() = default;

  // Called with job_mutex_ held, so workers_ is only touched by one thread at a time.
  void ensure_workers(int count) {
    count = std::min(count, kMaxThreads - 1);
    while (static_cast<int>(workers_.size()) < count) {
      workers_.emplace_back([this] { worker_loop(); });
      workers_.back().detach();
    }
  }

  void worker_loop() {
    inside_parallel_region = true;
    std::unique_lock<std::mutex> lock(mutex_);
    uint64_t seen = generation_;
    Job* job = job_;  // a job published just before this worker started: join it
    for (;;) {
      if (job != nullptr) {
        ++job->users;
        lock.unlock();
        work(*job);
        lock.lock();
        if (--job->users == 0 && job->unfinished == 0) done_.notify_all();
      }
      wake_.wait(lock, [&] { return generation_ != seen; });
      seen = generation_;
      job = job_;
    }
  }

  // Claims and runs chunks of the job until none is left.
  void work(Job& job) {
    const bool was_inside = inside_parallel_region;
    inside_parallel_region = true;
    for (;;) {
      const int chunk = job.next_chunk.fetch_add(1, std::memory_order_relaxed);
      if (chunk >= job.chunks) break;
      const int64_t b = job.begin + chunk * job.chunk_size;
      const int64_t e = std::min(job.end, b + job.chunk_size);
      std::exception_ptr error;
      try {
        job.fn(job.context, b, e);
      } catch (...) {
        error = std::current_exception();
      }
      std::lock_guard<std::mutex> lock(mutex_);
      if (error && !job.error) job.error = error;
      if (--job.unfinished == 0 && job.users == 0) done_.notify_all();
    }
    inside_parallel_region = was_inside;
  }

  std::mutex job_mutex_;  // held by the thread whose job occupies the pool
  std::mutex mutex_;      // guards job_, generation_ and every Job's unfinished, users and error
  std::condition_variable wake_, done_;
  std::vector<std::thread> workers_;
  uint64_t generation_ = 0;
  Job* job_ = nullptr;
};

}  // namespace

void parallel_for_impl(int64_t begin, int64_t end, int64_t grain, int num_threads, ChunkFn fn, void* context) {
  const int64_t range = end - begin;
  grain = std::max<int64_t>(1, grain);
  const int64_t max_chunks = (range + grain - 1) / grain;
  const int chunks = static_cast<int>(std::min<int64_t>({max_chunks, static_cast<int64_t>(num_threads), kMaxThreads}));
  if (chunks <= 1 || inside_parallel_region) {
    fn(context, begin, end);
    return;
  }
  const int64_t chunk_size = (range + chunks - 1) / chunks;
  const int used = static_cast<int>((range + chunk_size - 1) / chunk_size);  // no empty trailing chunk
  Job job;
  job.fn = fn;
  job.context = context;
  job.begin = begin;
  job.end = end;
  job.chunk_size = chunk_size;
  job.chunks = used;
  job.unfinished = used;
  if (!ThreadPool::instance().try_run(job)) fn(context, begin, end);
}

}  // namespace detail
}  // namespace mro
