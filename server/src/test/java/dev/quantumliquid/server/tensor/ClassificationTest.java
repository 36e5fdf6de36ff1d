package dev.quantumliquid.server.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClassificationTest {
    @Test
    void theHighestValuesComeFirstAsValueIndexLabel() {
        // Triton's documented example: [1, 5, 10, 4], top 2 by index are [2, 1].
        float[] row = {1, 5, 10, 4};
        assertThat(Classification.topK(row, 0, 4, 2, List.of())).containsExactly("10.000000:2", "5.000000:1");
        assertThat(Classification.topK(row, 0, 4, 4, List.of("a", "b", "c", "d")))
                .containsExactly("10.000000:2:c", "5.000000:1:b", "4.000000:3:d", "1.000000:0:a");
    }

    @Test
    void aRowInsideALargerArrayTiesInIndexOrderAndNegativeValues() {
        float[] rows = {9, 9, -0.5f, 0.25f, -0.5f, 0.25f};
        assertThat(Classification.topK(rows, 2, 4, 3, List.of("w", "x", "y", "z")))
                .containsExactly("0.250000:1:x", "0.250000:3:z", "-0.500000:0:w");
    }

    @Test
    void labelsAreLeftOutWhenTheyDoNotNameEveryClass() {
        assertThat(Classification.topK(new float[] {0.1f, 0.7f}, 0, 2, 1, List.of("only"))).containsExactly("0.700000:1");
    }
}
