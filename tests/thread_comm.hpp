// engine::Comm between threads of one process, for testing the distributed explorer on 2 and 3
// "ranks" without mpirun: every collective is a barrier, the data passed through a shared hub.
#pragma once

#include <barrier>
#include <cstdint>
#include <functional>
#include <thread>
#include <vector>

#include "checker/engine/comm.hpp"

namespace cowpin::test {

class ThreadHub {
public:
    explicit ThreadHub(int ranks) : n(ranks), sync(ranks), box(ranks * ranks), vals(ranks) {}
    const int n;
    std::barrier<> sync;
    std::vector<std::vector<std::uint64_t>> box;   // [from * n + to]
    std::vector<std::vector<std::uint64_t>> vals;  // [rank]
};

class ThreadComm final : public engine::Comm {
public:
    ThreadComm(ThreadHub& hub, int rank) : hub_(hub), me_(rank) {}
    int rank() const override { return me_; }
    int size() const override { return hub_.n; }
    void exchange(const std::vector<std::vector<std::uint64_t>>& send,
                  std::vector<std::vector<std::uint64_t>>& recv) override {
        ++counters_.collectives;
        for (int d = 0; d < hub_.n; ++d) {
            hub_.box[me_ * hub_.n + d] = send[d];
            if (d != me_ && !send[d].empty()) {
                counters_.bytes_sent += send[d].size() * 8;
                ++counters_.messages;
            }
        }
        hub_.sync.arrive_and_wait();
        recv.resize(hub_.n);
        for (int s = 0; s < hub_.n; ++s) recv[s] = hub_.box[s * hub_.n + me_];
        hub_.sync.arrive_and_wait();
    }
    void sum(std::vector<std::uint64_t>& v) override {
        fold(v, [](std::uint64_t a, std::uint64_t b) { return a + b; });
    }
    void max(std::vector<std::uint64_t>& v) override {
        fold(v, [](std::uint64_t a, std::uint64_t b) { return a > b ? a : b; });
    }
    void min(std::vector<std::uint64_t>& v) override {
        fold(v, [](std::uint64_t a, std::uint64_t b) { return a < b ? a : b; });
    }
    void broadcast(std::vector<std::uint64_t>& v, int root) override {
        ++counters_.collectives;
        if (me_ == root) hub_.vals[root] = v;
        hub_.sync.arrive_and_wait();
        v = hub_.vals[root];
        hub_.sync.arrive_and_wait();
    }
    std::vector<std::uint64_t> gather_all(std::uint64_t value) override {
        ++counters_.collectives;
        hub_.vals[me_] = {value};
        hub_.sync.arrive_and_wait();
        std::vector<std::uint64_t> all;
        for (int s = 0; s < hub_.n; ++s) all.push_back(hub_.vals[s][0]);
        hub_.sync.arrive_and_wait();
        return all;
    }

private:
    void fold(std::vector<std::uint64_t>& v,
              const std::function<std::uint64_t(std::uint64_t, std::uint64_t)>& f) {
        ++counters_.collectives;
        hub_.vals[me_] = v;
        hub_.sync.arrive_and_wait();
        for (int s = 0; s < hub_.n; ++s)
            if (s != me_)
                for (std::size_t i = 0; i < v.size(); ++i) v[i] = f(v[i], hub_.vals[s][i]);
        hub_.sync.arrive_and_wait();
    }
    ThreadHub& hub_;
    int me_;
};

// Runs body(comm) on `ranks` threads, each with its own ThreadComm, and waits for them.
inline void on_ranks(int ranks, const std::function<void(engine::Comm&)>& body) {
    ThreadHub hub(ranks);
    std::vector<std::thread> threads;
    for (int r = 0; r < ranks; ++r)
        threads.emplace_back([&hub, r, &body] {
            ThreadComm comm(hub, r);
            body(comm);
        });
    for (std::thread& t : threads) t.join();
}

}  // namespace cowpin::test
