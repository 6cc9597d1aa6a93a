#include "ImageShim.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <jpeglib.h>

struct error_manager {
    struct jpeg_error_mgr base;
    jmp_buf jump;
};

static void on_error(j_common_ptr info) {
    struct error_manager *manager = (struct error_manager *)info->err;
    longjmp(manager->jump, 1);
}

/* Corrupt-data warnings would otherwise be printed to stderr. */
static void on_message(j_common_ptr info) { (void)info; }

/* Copies libjpeg's last message into `error` and releases the decoder. */
static int fail(struct jpeg_decompress_struct *info, unsigned char *buffer, char *error, size_t error_size) {
    char message[JMSG_LENGTH_MAX];
    (*info->err->format_message)((j_common_ptr)info, message);
    snprintf(error, error_size, "%s", message);
    jpeg_destroy_decompress(info);
    free(buffer);
    return 0;
}

int lunet_jpeg_decode(const unsigned char *data, size_t size, int channels,
                      unsigned char **pixels, int *width, int *height,
                      char *error, size_t error_size) {
    struct jpeg_decompress_struct info;
    struct error_manager manager;
    unsigned char *volatile buffer = NULL;
    *pixels = NULL;
    info.err = jpeg_std_error(&manager.base);
    manager.base.error_exit = on_error;
    manager.base.output_message = on_message;
    if (setjmp(manager.jump)) return fail(&info, buffer, error, error_size);
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, data, (unsigned long)size);
    jpeg_read_header(&info, TRUE);
    info.out_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_start_decompress(&info);
    /* Refuse before allocating what a corrupt or hostile header asks for. */
    if (info.output_width > 32768 || info.output_height > 32768) {
        snprintf(error, error_size, "a %ux%u image is larger than the 32768x32768 lunet decodes",
                 info.output_width, info.output_height);
        jpeg_destroy_decompress(&info);
        return 0;
    }
    size_t stride = (size_t)info.output_width * (size_t)info.output_components;
    buffer = malloc(stride * info.output_height);
    if (buffer == NULL) {
        snprintf(error, error_size, "out of memory");
        jpeg_destroy_decompress(&info);
        return 0;
    }
    while (info.output_scanline < info.output_height) {
        unsigned char *row = buffer + stride * info.output_scanline;
        jpeg_read_scanlines(&info, &row, 1);
    }
    /* A truncated file decodes with warnings; treat any as an error. */
    if (manager.base.num_warnings > 0) return fail(&info, buffer, error, error_size);
    jpeg_finish_decompress(&info);
    *width = (int)info.output_width;
    *height = (int)info.output_height;
    jpeg_destroy_decompress(&info);
    *pixels = buffer;
    return 1;
}

void lunet_image_free(void *pixels) { free(pixels); }
