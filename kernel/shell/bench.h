/* Measurement commands of the shell: the floor and the soak. */
#ifndef KERNEL_BENCH_H
#define KERNEL_BENCH_H

/* floor NAME: time the cheapest conceivable loader of NAME's image. */
void bench_floor(int argc, char **argv);
/* soak NAME CYCLES: insmod/rmmod in a loop, checking for leaks. */
void bench_soak(int argc, char **argv);

#endif
