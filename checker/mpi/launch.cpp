// Whether mpirun started this process: Open MPI sets OMPI_COMM_WORLD_SIZE and _RANK in every
// rank's environment (other launchers PMI_SIZE and PMI_RANK). Built with or without MPI.
#include <algorithm>
#include <cstdlib>
#include <string>

#include "checker/mpi/world.hpp"

namespace cowpin::mpi {

namespace {
int env_int(const char* a, const char* b) {
    for (const char* name : {a, b})
        if (const char* v = std::getenv(name)) return std::atoi(v);
    return -1;
}
}  // namespace

int launched_size() { return std::max(0, env_int("OMPI_COMM_WORLD_SIZE", "PMI_SIZE")); }
int local_ranks() { return std::max(1, env_int("OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS")); }
int launched_rank() { return std::max(0, env_int("OMPI_COMM_WORLD_RANK", "PMI_RANK")); }

}  // namespace cowpin::mpi
