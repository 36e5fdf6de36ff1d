/* The few board services the example and the qlnn test harness need: text out, exit, a tick count.
 * On the emulated board (qemu-system-arm -M mps2-an386) text and exit go through ARM semihosting;
 * on a real board, board_puts can be pointed at a UART instead. */
#ifndef BOARD_H
#define BOARD_H

#include <stdint.h>

void board_puts(const char *s);          /* writes a NUL-terminated string */
void board_exit(int code);               /* ends the program: 0 success, else failure */
uint64_t board_ticks(void);              /* SysTick ticks since reset (processor clock) */
void board_spin(uint32_t n);             /* executes exactly 2n instructions (calibration loop) */

#endif
