/* Fault attribution: an address as "module+off (symbol+off)". */
#ifndef KERNEL_ADDR2SYM_H
#define KERNEL_ADDR2SYM_H

/* Hooks the description into the trap handler. */
void addr2sym_init(void);

#endif
