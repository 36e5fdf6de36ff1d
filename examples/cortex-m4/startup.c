/* Reset and vector table for a Cortex-M4F: enables the FPU, copies .data, zeroes .bss, runs main. */
#include <stdint.h>

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _estack;
int main(void);
void board_exit(int code);
void board_ticks_start(void);
void SysTick_Handler(void);

static void Default_Handler(void)
{
    board_exit(1);
}

/* Runs after the FPU is on, so it may hold floating-point code (the compiler may use s-registers anywhere). */
__attribute__((noinline)) static void start(void)
{
    uint32_t *src = &_sidata;
    for (uint32_t *dst = &_sdata; dst < &_edata;) {
        *dst++ = *src++;
    }
    for (uint32_t *dst = &_sbss; dst < &_ebss;) {
        *dst++ = 0;
    }
    board_ticks_start();
    board_exit(main());
}

void Reset_Handler(void)
{
    /* CPACR: full access to CP10 and CP11 (the FPU) before any floating-point instruction */
    *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
    start();
}

/* Initial stack pointer, then the handlers of exceptions 1..15 (reset, NMI, faults, SVCall, PendSV, SysTick). */
__attribute__((section(".isr_vector"), used)) static const uintptr_t vectors[16] = {
    (uintptr_t)&_estack, (uintptr_t)Reset_Handler, (uintptr_t)Default_Handler, (uintptr_t)Default_Handler,
    (uintptr_t)Default_Handler, (uintptr_t)Default_Handler, (uintptr_t)Default_Handler, 0, 0, 0, 0,
    (uintptr_t)Default_Handler, (uintptr_t)Default_Handler, 0, (uintptr_t)Default_Handler, (uintptr_t)SysTick_Handler,
};
