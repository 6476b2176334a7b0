// The engine's threads: a fixed set running one job at a time, the caller taking part.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace cowpin::engine::detail {

// n threads (the caller is thread 0) running one job at a time. A mutex and two condition
// variables: libstdc++ 12's std::barrier was seen to leave the workers asleep for whole jobs.
class Pool {
public:
    explicit Pool(unsigned n) : n_(n) {
        for (unsigned t = 1; t < n; ++t)
            workers_.emplace_back([this, t] {
                std::uint64_t seen = 0;
                for (;;) {
                    {
                        std::unique_lock lock(mutex_);
                        start_.wait(lock, [&] { return stop_ || generation_ != seen; });
                        if (stop_) return;
                        seen = generation_;
                    }
                    call(t);
                    std::lock_guard lock(mutex_);
                    if (--running_ == 0) done_.notify_one();
                }
            });
    }
    ~Pool() {
        {
            std::lock_guard lock(mutex_);
            stop_ = true;
        }
        start_.notify_all();
        for (std::thread& w : workers_) w.join();
    }
    unsigned size() const { return n_; }
    // Runs job(t) on every thread t and waits; rethrows the first exception.
    void run(const std::function<void(unsigned)>& job) {
        job_ = &job;
        error_ = nullptr;
        if (n_ > 1) {
            {
                std::lock_guard lock(mutex_);
                running_ = n_ - 1;
                ++generation_;
            }
            start_.notify_all();
        }
        call(0);
        if (n_ > 1) {
            std::unique_lock lock(mutex_);
            done_.wait(lock, [&] { return running_ == 0; });
        }
        if (error_) std::rethrow_exception(error_);
    }

private:
    void call(unsigned t) {
        try {
            (*job_)(t);
        } catch (...) {
            std::lock_guard lock(error_mutex_);
            if (!error_) error_ = std::current_exception();
        }
    }
    unsigned n_;
    std::vector<std::thread> workers_;
    const std::function<void(unsigned)>* job_ = nullptr;
    std::mutex mutex_, error_mutex_;
    std::condition_variable start_, done_;
    std::uint64_t generation_ = 0;
    unsigned running_ = 0;
    bool stop_ = false;
    std::exception_ptr error_;
};

}  // namespace cowpin::engine::detail
