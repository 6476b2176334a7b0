// What the distributed exploration (checker/engine/distributed_bfs.hpp) needs from the ranks it
// runs on: their number, its own, an all-to-all exchange of words, and reductions of small
// vectors. Every call is collective: all ranks make the same calls in the same order. The MPI
// implementation is checker/mpi/mpi_comm.cpp; SelfComm is the one rank of a run without MPI
// (and of the unit tests). The engine sends packed states and 64-bit keys, nothing of pages.
#pragma once

#include <cstdint>
#include <vector>

namespace cowpin::engine {

// What a rank has sent so far (to other ranks: its own share of an exchange is not counted).
struct CommCounters {
    std::uint64_t bytes_sent = 0;   // payload words × 8 sent to other ranks
    std::uint64_t messages = 0;     // non-empty payloads sent to other ranks
    std::uint64_t collectives = 0;  // collective calls made
};

class Comm {
public:
    virtual ~Comm() = default;
    virtual int rank() const = 0;
    virtual int size() const = 0;
    // send[d] goes to rank d; recv[s] is what rank s sent here (resized to size()).
    virtual void exchange(const std::vector<std::vector<std::uint64_t>>& send,
                          std::vector<std::vector<std::uint64_t>>& recv) = 0;
    // Element-wise over all ranks, in place (every rank passes the same length).
    virtual void sum(std::vector<std::uint64_t>& v) = 0;
    virtual void max(std::vector<std::uint64_t>& v) = 0;
    virtual void min(std::vector<std::uint64_t>& v) = 0;
    // `v` (its length the same on every rank) takes root's contents.
    virtual void broadcast(std::vector<std::uint64_t>& v, int root) = 0;
    // One value from every rank, by rank.
    virtual std::vector<std::uint64_t> gather_all(std::uint64_t value) = 0;
    const CommCounters& counters() const { return counters_; }

protected:
    CommCounters counters_;
};

// One rank: every exchange is with itself.
class SelfComm final : public Comm {
public:
    int rank() const override { return 0; }
    int size() const override { return 1; }
    void exchange(const std::vector<std::vector<std::uint64_t>>& send,
                  std::vector<std::vector<std::uint64_t>>& recv) override {
        ++counters_.collectives;
        recv.resize(1);
        recv[0] = send[0];
    }
    void sum(std::vector<std::uint64_t>&) override { ++counters_.collectives; }
    void max(std::vector<std::uint64_t>&) override { ++counters_.collectives; }
    void min(std::vector<std::uint64_t>&) override { ++counters_.collectives; }
    void broadcast(std::vector<std::uint64_t>&, int) override { ++counters_.collectives; }
    std::vector<std::uint64_t> gather_all(std::uint64_t value) override {
        ++counters_.collectives;
        return {value};
    }
};

}  // namespace cowpin::engine
