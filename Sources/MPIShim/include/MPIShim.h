#ifndef LUNET_MPI_SHIM_H
#define LUNET_MPI_SHIM_H

#include <stddef.h>

/// Open MPI, loaded at run time with dlopen (libmpi.so.40 of Debian's
/// libopenmpi3) so lunet neither links nor needs MPI outside mpirun. Open MPI's
/// MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM are macros over global objects; this
/// shim looks those objects up by name, so Swift only sees plain C calls.
/// Calls may come from any thread, one at a time (MPI_THREAD_SERIALIZED), where
/// the library provides it (lunet_mpi_serializes_threads).

/// Reduction operations for lunet_mpi_allreduce_*.
typedef enum { LUNET_MPI_SUM = 0, LUNET_MPI_MAX = 1 } lunet_mpi_op;

/// Loads libmpi and calls MPI_Init_thread. Returns 0, or -1 with a message in
/// `error` (the library is missing, a symbol is missing, MPI_Init failed).
int lunet_mpi_start(char *error, size_t error_size);
/// 1 after a successful lunet_mpi_start and before lunet_mpi_finish.
int lunet_mpi_is_running(void);
/// 1 when MPI granted MPI_THREAD_SERIALIZED or more.
int lunet_mpi_serializes_threads(void);
int lunet_mpi_rank(void);
int lunet_mpi_size(void);

/// Collectives over MPI_COMM_WORLD; return MPI's error code (0 is success).
int lunet_mpi_barrier(void);
/// In place (MPI_IN_PLACE): every rank ends with the reduction of all ranks' buffers.
int lunet_mpi_allreduce_float(float *buffer, long count, lunet_mpi_op op);
int lunet_mpi_allreduce_double(double *buffer, long count, lunet_mpi_op op);
int lunet_mpi_broadcast_float(float *buffer, long count, int root);
/// `count` bytes as they are (MPI_BYTE): generator states, flags.
int lunet_mpi_broadcast_bytes(void *buffer, long count, int root);
/// Gathers `counts[r]` floats from each rank r into `output` in rank order;
/// `input` holds this rank's `counts[rank]` floats.
int lunet_mpi_allgatherv_float(const float *input, float *output, const int *counts);

/// Ends the whole job (every rank) with `code`; does not return.
void lunet_mpi_abort(int code);
/// MPI_Finalize; a no-op when MPI is not running.
void lunet_mpi_finish(void);

#endif
