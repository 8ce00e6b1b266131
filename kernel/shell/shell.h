#ifndef KERNEL_SHELL_H
#define KERNEL_SHELL_H

/* The serial shell; never returns. */
void shell_run(void);
/* Run one command line (used by the shell loop). */
void shell_exec(char *line);

#endif
