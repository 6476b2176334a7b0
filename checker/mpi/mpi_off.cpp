// A build without MPI (CMake did not find it): `cowpin check` under mpirun says so.
#include <cstdlib>
#include <stdexcept>

#include "checker/mpi/world.hpp"

namespace cowpin::mpi {

bool available() { return false; }

std::shared_ptr<engine::Comm> world() {
    throw std::runtime_error("this cowpin was built without MPI (the MPI feature is off): "
                             "install libopenmpi-dev and rebuild, or run it without mpirun");
}

void abort_job(int code) { std::exit(code); }

}  // namespace cowpin::mpi
