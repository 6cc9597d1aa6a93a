#ifndef LUNET_BLAS_SHIM_H
#define LUNET_BLAS_SHIM_H

/// The OpenBLAS kernel set in use ("SkylakeX", "Haswell", ...).
const char *lunet_blas_core_name(void);

/// The kernel set lunet chose at start-up in place of OpenBLAS's own choice,
/// or NULL when it kept OpenBLAS's (OPENBLAS_CORETYPE set, a CPU OpenBLAS
/// recognises, or an OpenBLAS built for one CPU).
const char *lunet_blas_core_override(void);

/// The kernel set this CPU's instruction sets call for ("SkylakeX" with
/// AVX-512, "Haswell" with AVX2 and FMA), or NULL for older CPUs.
const char *lunet_blas_fitting_core(void);

#endif
