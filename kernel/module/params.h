/* Module parameters: checking "a=1 b=x" against a module's PARAMS table
 * before anything is written, then storing the values. */
#ifndef KERNEL_PARAMS_H
#define KERNEL_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#include "loader.h"

/* 0 if every assignment names a parameter and has a valid value;
 * otherwise -1 with a one-line reason in err. */
int params_check(const struct rm_module *m, const char *args, char *err, size_t errlen);
/* Store the (checked) values into the loaded image. */
void params_apply(const struct rm_module *m, const char *args, uint8_t *image);
/* Format parameter i's current value from the loaded image. */
void params_format(const struct rm_module *m, uint32_t i, const uint8_t *image, char *buf,
		   size_t len);

#endif
