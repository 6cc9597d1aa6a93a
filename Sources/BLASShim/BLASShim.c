// Debian's OpenBLAS 0.3.21 is built for every x86-64 CPU and picks its kernels
// at load time from the CPU model. CPUs newer than the library (Sapphire
// Rapids and later Xeons, reported as "Intel(R) Xeon(R) Processor" by some
// hypervisors) are not in its tables, so it falls back to "Prescott": SSE3
// kernels, about a fifth of the machine's sgemm speed (52 against 233-275
// GFLOP/s measured on the 1024^3 product). Before any BLAS call, lunet picks
// the kernel set from the instruction sets the CPU reports, as the user could
// with OPENBLAS_CORETYPE, which is respected when set.
#include "BLASShim.h"
#include <stdlib.h>
#include <string.h>

char *openblas_get_corename(void);
// Present only in OpenBLAS builds for several CPUs (DYNAMIC_ARCH).
extern void gotoblas_dynamic_init(void) __attribute__((weak));
extern void gotoblas_dynamic_quit(void) __attribute__((weak));

static const char *override = NULL;

const char *lunet_blas_fitting_core(void) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512cd"))
        return "SkylakeX";
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        return "Haswell";
    return NULL;
}

// Runs after OpenBLAS's own constructor (a library's initialisers run before
// those of the programs that link it), so the fallback can be seen and redone.
__attribute__((constructor)) static void lunet_choose_blas_core(void) {
    if (getenv("OPENBLAS_CORETYPE") != NULL || !gotoblas_dynamic_init || !gotoblas_dynamic_quit) return;
    const char *current = openblas_get_corename();
    if (current == NULL || strcmp(current, "Prescott") != 0) return;
    const char *core = lunet_blas_fitting_core();
    if (core == NULL) return;
    setenv("OPENBLAS_CORETYPE", core, 0);
    gotoblas_dynamic_quit();
    gotoblas_dynamic_init();
    // Child processes (mpirun ranks, tests' subprocesses) choose for themselves.
    unsetenv("OPENBLAS_CORETYPE");
    override = openblas_get_corename();
}

const char *lunet_blas_core_name(void) { return openblas_get_corename(); }

const char *lunet_blas_core_override(void) { return override; }
