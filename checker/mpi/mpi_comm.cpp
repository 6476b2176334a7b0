// engine::Comm over MPI_COMM_WORLD. An exchange is two collectives: MPI_Alltoall of the word
// counts, then MPI_Alltoallv of the words (the engine keeps each exchange to one round of
// parents, so counts stay far below INT_MAX). Reductions are MPI_Allreduce on uint64 vectors.
#include <mpi.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "checker/mpi/world.hpp"

namespace cowpin::mpi {

namespace {

void ok(int rc, const char* what) {
    if (rc != MPI_SUCCESS) throw std::runtime_error(std::string(what) + " failed");
}

class MpiComm final : public engine::Comm {
public:
    MpiComm() {
        int initialised = 0;
        MPI_Initialized(&initialised);
        // A rank's expansion runs on threads of its own (--threads), but only the thread that
        // initialised MPI makes MPI calls: MPI_THREAD_FUNNELED (Open MPI provides it; the
        // other threads never touch MPI, so a lower level granted would change nothing here).
        int provided = MPI_THREAD_SINGLE;
        if (!initialised)
            ok(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
        static_cast<void>(provided);
        // Errors return codes (turned into exceptions, then MPI_Abort), not a silent abort.
        MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
        MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
        MPI_Comm_size(MPI_COMM_WORLD, &size_);
    }
    ~MpiComm() override {
        int finalised = 0;
        MPI_Finalized(&finalised);
        if (!finalised) MPI_Finalize();
    }
    int rank() const override { return rank_; }
    int size() const override { return size_; }

    void exchange(const std::vector<std::vector<std::uint64_t>>& send,
                  std::vector<std::vector<std::uint64_t>>& recv) override {
        std::vector<int> scount(size_), rcount(size_), sdispl(size_), rdispl(size_);
        std::size_t stotal = 0;
        for (int d = 0; d < size_; ++d) {
            if (send[d].size() > INT_MAX) throw std::length_error("an MPI exchange of over 2^31 words");
            scount[d] = static_cast<int>(send[d].size());
            sdispl[d] = static_cast<int>(stotal);
            stotal += send[d].size();
            if (d != rank_ && !send[d].empty()) {
                counters_.bytes_sent += send[d].size() * 8;
                ++counters_.messages;
            }
        }
        if (stotal > INT_MAX) throw std::length_error("an MPI exchange of over 2^31 words");
        ok(MPI_Alltoall(scount.data(), 1, MPI_INT, rcount.data(), 1, MPI_INT, MPI_COMM_WORLD),
           "MPI_Alltoall");
        std::size_t rtotal = 0;
        for (int s = 0; s < size_; ++s) {
            rdispl[s] = static_cast<int>(rtotal);
            rtotal += static_cast<std::size_t>(rcount[s]);
        }
        if (rtotal > INT_MAX) throw std::length_error("an MPI exchange of over 2^31 words");
        sbuf_.resize(stotal);
        for (int d = 0; d < size_; ++d)
            std::copy(send[d].begin(), send[d].end(), sbuf_.begin() + sdispl[d]);
        rbuf_.resize(rtotal);
        ok(MPI_Alltoallv(sbuf_.data(), scount.data(), sdispl.data(), MPI_UINT64_T, rbuf_.data(),
                         rcount.data(), rdispl.data(), MPI_UINT64_T, MPI_COMM_WORLD),
           "MPI_Alltoallv");
        counters_.collectives += 2;
        recv.resize(size_);
        for (int s = 0; s < size_; ++s)
            recv[s].assign(rbuf_.begin() + rdispl[s], rbuf_.begin() + rdispl[s] + rcount[s]);
    }
    void sum(std::vector<std::uint64_t>& v) override { reduce(v, MPI_SUM); }
    void max(std::vector<std::uint64_t>& v) override { reduce(v, MPI_MAX); }
    void min(std::vector<std::uint64_t>& v) override { reduce(v, MPI_MIN); }
    void broadcast(std::vector<std::uint64_t>& v, int root) override {
        ++counters_.collectives;
        if (rank_ == root && root != 0) counters_.bytes_sent += v.size() * 8 * (size_ - 1);
        ok(MPI_Bcast(v.data(), static_cast<int>(v.size()), MPI_UINT64_T, root, MPI_COMM_WORLD),
           "MPI_Bcast");
    }
    std::vector<std::uint64_t> gather_all(std::uint64_t value) override {
        ++counters_.collectives;
        std::vector<std::uint64_t> all(size_);
        ok(MPI_Allgather(&value, 1, MPI_UINT64_T, all.data(), 1, MPI_UINT64_T, MPI_COMM_WORLD),
           "MPI_Allgather");
        return all;
    }

private:
    void reduce(std::vector<std::uint64_t>& v, MPI_Op op) {
        ++counters_.collectives;
        ok(MPI_Allreduce(MPI_IN_PLACE, v.data(), static_cast<int>(v.size()), MPI_UINT64_T, op,
                         MPI_COMM_WORLD),
           "MPI_Allreduce");
    }
    int rank_ = 0, size_ = 1;
    std::vector<std::uint64_t> sbuf_, rbuf_;
};

}  // namespace

bool available() { return true; }

std::shared_ptr<engine::Comm> world() {
    static std::weak_ptr<engine::Comm> live;
    if (auto c = live.lock()) return c;
    auto c = std::make_shared<MpiComm>();
    live = c;
    return c;
}

void abort_job(int code) {
    int initialised = 0;
    MPI_Initialized(&initialised);
    if (initialised) MPI_Abort(MPI_COMM_WORLD, code);
    std::exit(code);
}

}  // namespace cowpin::mpi
