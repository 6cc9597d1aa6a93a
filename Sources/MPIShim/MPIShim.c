#include "MPIShim.h"

#include <dlfcn.h>
#include <stdio.h>
#include <unistd.h>

/* Open MPI's handles are pointers to global objects (mpi.h: MPI_COMM_WORLD is
   &ompi_mpi_comm_world); MPI_IN_PLACE is (void *)1. Declared here as void *
   so building lunet needs no MPI headers. */
typedef void *handle;
#define IN_PLACE ((void *)1)
#define THREAD_SERIALIZED 2
/* MPI allows int counts; larger buffers go in chunks. */
#define CHUNK (1L << 30)

static struct {
    int running, rank, size, thread_level;
    handle world, float_type, double_type, byte_type, sum, max;
    int (*init_thread)(int *, char ***, int, int *);
    int (*comm_rank)(handle, int *);
    int (*comm_size)(handle, int *);
    int (*barrier)(handle);
    int (*allreduce)(const void *, void *, int, handle, handle, handle);
    int (*bcast)(void *, int, handle, int, handle);
    int (*allgatherv)(const void *, int, handle, void *, const int *, const int *, handle, handle);
    int (*abort)(handle, int);
    int (*finalize)(void);
} mpi;

static int fail(char *error, size_t size, const char *what, const char *detail) {
    snprintf(error, size, "%s%s%s", what, detail ? ": " : "", detail ? detail : "");
    return -1;
}

#define LOAD(field, name)                                              \
    if (!(*(void **)&mpi.field = dlsym(library, name)))                \
        return fail(error, error_size, "libmpi.so.40 has no " name, NULL);

int lunet_mpi_start(char *error, size_t error_size) {
    if (mpi.running) return 0;
    /* RTLD_GLOBAL: Open MPI's own plugins (mca_*.so) resolve libmpi's symbols. */
    void *library = dlopen("libmpi.so.40", RTLD_NOW | RTLD_GLOBAL);
    if (!library)
        return fail(error, error_size, "cannot load Open MPI (install libopenmpi3)", dlerror());
    LOAD(world, "ompi_mpi_comm_world")
    LOAD(float_type, "ompi_mpi_float")
    LOAD(double_type, "ompi_mpi_double")
    LOAD(byte_type, "ompi_mpi_byte")
    LOAD(sum, "ompi_mpi_op_sum")
    LOAD(max, "ompi_mpi_op_max")
    LOAD(init_thread, "MPI_Init_thread")
    LOAD(comm_rank, "MPI_Comm_rank")
    LOAD(comm_size, "MPI_Comm_size")
    LOAD(barrier, "MPI_Barrier")
    LOAD(allreduce, "MPI_Allreduce")
    LOAD(bcast, "MPI_Bcast")
    LOAD(allgatherv, "MPI_Allgatherv")
    LOAD(abort, "MPI_Abort")
    LOAD(finalize, "MPI_Finalize")
    int provided = 0;
    /* Serialized: the gradient average runs on a thread of its own while
       backward goes on, and lunet never makes two MPI calls at once. */
    if (mpi.init_thread(NULL, NULL, THREAD_SERIALIZED, &provided) != 0)
        return fail(error, error_size, "MPI_Init_thread failed", NULL);
    mpi.thread_level = provided;
    mpi.comm_rank(mpi.world, &mpi.rank);
    mpi.comm_size(mpi.world, &mpi.size);
    mpi.running = 1;
    return 0;
}

int lunet_mpi_is_running(void) { return mpi.running; }
int lunet_mpi_serializes_threads(void) { return mpi.running && mpi.thread_level >= THREAD_SERIALIZED; }
int lunet_mpi_rank(void) { return mpi.running ? mpi.rank : 0; }
int lunet_mpi_size(void) { return mpi.running ? mpi.size : 1; }

int lunet_mpi_barrier(void) { return mpi.running ? mpi.barrier(mpi.world) : 0; }

static int allreduce(char *buffer, long count, size_t element, handle type, lunet_mpi_op op) {
    if (!mpi.running) return 0;
    for (long done = 0; done < count; done += CHUNK) {
        long n = count - done < CHUNK ? count - done : CHUNK;
        int status = mpi.allreduce(IN_PLACE, buffer + done * element, (int)n, type,
                                   op == LUNET_MPI_MAX ? mpi.max : mpi.sum, mpi.world);
        if (status != 0) return status;
    }
    return 0;
}

int lunet_mpi_allreduce_float(float *buffer, long count, lunet_mpi_op op) {
    return allreduce((char *)buffer, count, sizeof(float), mpi.float_type, op);
}

int lunet_mpi_allreduce_double(double *buffer, long count, lunet_mpi_op op) {
    return allreduce((char *)buffer, count, sizeof(double), mpi.double_type, op);
}

int lunet_mpi_broadcast_float(float *buffer, long count, int root) {
    if (!mpi.running) return 0;
    for (long done = 0; done < count; done += CHUNK) {
        long n = count - done < CHUNK ? count - done : CHUNK;
        int status = mpi.bcast(buffer + done, (int)n, mpi.float_type, root, mpi.world);
        if (status != 0) return status;
    }
    return 0;
}

int lunet_mpi_broadcast_bytes(void *buffer, long count, int root) {
    if (!mpi.running) return 0;
    for (long done = 0; done < count; done += CHUNK) {
        long n = count - done < CHUNK ? count - done : CHUNK;
        int status = mpi.bcast((char *)buffer + done, (int)n, mpi.byte_type, root, mpi.world);
        if (status != 0) return status;
    }
    return 0;
}

int lunet_mpi_allgatherv_float(const float *input, float *output, const int *counts) {
    if (!mpi.running) {
        for (int i = 0; i < counts[0]; i++) output[i] = input[i];
        return 0;
    }
    int displacements[mpi.size];
    int offset = 0;
    for (int r = 0; r < mpi.size; r++) { displacements[r] = offset; offset += counts[r]; }
    return mpi.allgatherv(input, counts[mpi.rank], mpi.float_type, output, counts, displacements,
                          mpi.float_type, mpi.world);
}

void lunet_mpi_abort(int code) {
    fflush(NULL);
    if (mpi.running) mpi.abort(mpi.world, code);
    _exit(code);
}

void lunet_mpi_finish(void) {
    if (!mpi.running) return;
    mpi.running = 0;
    mpi.finalize();
}
