/* Runs the exported model on a stream of samples, one step per sample, and prints each prediction.
 * The samples stand in for a sensor: x(k) = 0.9 + 0.3 sin(0.25 k), one per second (the bundled
 * model's sample rate). On a real board, read the sensor and wait for the next sample period instead. */
#include "board.h"
#include "qlnn_model.h"
#include <math.h>

#define SAMPLES 24

/* Prints v with 4 decimals (no printf: keeps the firmware small). */
static void put_fixed(float v)
{
    char buf[24];
    int n = 0;
    if (v < 0.0f) {
        buf[n++] = '-';
        v = -v;
    }
    uint32_t scaled = (uint32_t)(v * 10000.0f + 0.5f);
    uint32_t whole = scaled / 10000u;
    uint32_t frac = scaled % 10000u;
    char digits[12];
    int d = 0;
    do {
        digits[d++] = (char)('0' + whole % 10u);
        whole /= 10u;
    } while (whole > 0u);
    while (d > 0) {
        buf[n++] = digits[--d];
    }
    buf[n++] = '.';
    for (uint32_t div = 1000u; div > 0u; div /= 10u) {
        buf[n++] = (char)('0' + (frac / div) % 10u);
    }
    buf[n] = 0;
    board_puts(buf);
}

int main(void)
{
    static qlnn_state state;
    float x[QLNN_INPUTS];
    float y[QLNN_OUTPUTS];
    float coherence;
    qlnn_reset(&state);
    for (int k = 0; k < SAMPLES; k++) {
        for (int i = 0; i < QLNN_INPUTS; i++) {
            x[i] = 0.9f + 0.3f * sinf(0.25f * (float)k);
        }
        qlnn_step(&state, x, 1.0f, y, &coherence);
        board_puts("x ");
        put_fixed(x[0]);
        board_puts(" -> y ");
        put_fixed(y[0]);
#if QLNN_HAS_COHERENCE
        board_puts(" coherence ");
        put_fixed(coherence);
#endif
        board_puts("\n");
    }
    return 0;
}
