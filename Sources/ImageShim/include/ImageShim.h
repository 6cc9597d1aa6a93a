#ifndef LUNET_IMAGESHIM_H
#define LUNET_IMAGESHIM_H

#include <stddef.h>

/// Decodes a JPEG held in memory into interleaved 8-bit pixels, `channels`
/// per pixel (1 = grayscale, 3 = RGB; libjpeg converts between them).
/// libjpeg reports errors with longjmp, so it stays in C: on failure this
/// returns 0 and writes libjpeg's message into `error` (NUL-terminated).
/// On success `*pixels` is malloc'ed (free with lunet_image_free).
int lunet_jpeg_decode(const unsigned char *data, size_t size, int channels,
                      unsigned char **pixels, int *width, int *height,
                      char *error, size_t error_size);

void lunet_image_free(void *pixels);

#endif
