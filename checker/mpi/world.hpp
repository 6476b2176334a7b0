// The ranks `mpirun -np N cowpin check` starts: whether this process is one of them, and the
// engine::Comm over MPI_COMM_WORLD (checker/mpi/mpi_comm.cpp; without Open MPI at build time,
// checker/mpi/mpi_off.cpp says the feature is off). mpi.h is included there alone.
#pragma once

#include <memory>

#include "checker/engine/comm.hpp"

namespace cowpin::mpi {

// Whether this cowpin was built with MPI (CMake found it).
bool available();
// The ranks mpirun started (its OMPI_COMM_WORLD_SIZE, or PMI_SIZE), 0 if not started by one.
int launched_size();
// This process's rank from the same environment (0 if not started by mpirun).
int launched_rank();

// The ranks mpirun started on this node (OMPI_COMM_WORLD_LOCAL_SIZE), at least 1.
int local_ranks();

// MPI_Init and the communicator over every rank; finalised when the last reference goes.
// Throws std::runtime_error if this build has no MPI.
std::shared_ptr<engine::Comm> world();

// Ends every rank of the job with `code` (MPI_Abort): for an error on one rank, which the
// others, waiting in a collective, would otherwise wait for forever.
[[noreturn]] void abort_job(int code);

}  // namespace cowpin::mpi
