package dev.quantumliquid.train.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The ported numpy generators against sequences numpy 2.4.6 produced; each expected value says the
 * python expression that made it (run as {@code python3 -c "import numpy as np; print(EXPR)"}).
 */
class RngTest {
    private static long[] mt(long seed, int skip, int n) {
        Mt19937 m = new Mt19937(seed);
        for (int i = 0; i < skip; i++) {
            m.nextUint32();
        }
        return IntStream.range(0, n).mapToLong(i -> m.nextUint32()).toArray();
    }

    @Test
    void mt19937MatchesLegacySeeding() {
        // np.random.RandomState(5489)._bit_generator.random_raw(5).tolist()  (the reference MT19937 outputs)
        assertThat(mt(5489, 0, 5)).containsExactly(3499211612L, 581869302L, 3890346734L, 3586334585L, 545404204L);
        // np.random.RandomState(22222)._bit_generator.random_raw(5).tolist()
        assertThat(mt(22222, 0, 5)).containsExactly(294195201L, 1847582594L, 1342442730L, 288109640L, 840089594L);
        // r = np.random.RandomState(22222); r._bit_generator.random_raw(700); r._bit_generator.random_raw(3).tolist()
        assertThat(mt(22222, 700, 3)).containsExactly(2613073583L, 3405954288L, 3771098450L);
    }

    @Test
    void legacyPermutationRandintAndChoice() {
        // np.random.RandomState(22222).permutation(15).tolist()
        assertThat(new LegacyRandom(22222).permutation(15)).containsExactly(5, 13, 9, 6, 11, 3, 7, 14, 4, 0, 12, 8, 10, 2, 1);
        // np.random.RandomState(22222).randint(0, 7, size=12).tolist()
        LegacyRandom r = new LegacyRandom(22222);
        assertThat(IntStream.range(0, 12).map(i -> (int) r.randint(0, 7)).toArray())
                .containsExactly(1, 2, 2, 0, 2, 0, 4, 1, 1, 3, 4, 5);
        // r = np.random.RandomState(7); [int(r.choice([3,4,5,6,7])) for _ in range(8)],
        //     r.choice([10,11,12,13,14,15], size=4, replace=False).tolist()
        LegacyRandom c = new LegacyRandom(7);
        int[] a = {3, 4, 5, 6, 7};
        assertThat(IntStream.range(0, 8).map(i -> c.choice(a)).toArray()).containsExactly(7, 4, 6, 6, 7, 4, 3, 4);
        assertThat(c.choiceWithoutReplacement(new int[] {10, 11, 12, 13, 14, 15}, 4)).containsExactly(11, 13, 14, 10);
    }

    @Test
    void seedSequenceGenerateState() {
        // np.random.SeedSequence(1111).generate_state(4, np.uint64)
        assertThat(new SeedSequence(1111).generateState64(4))
                .containsExactly(0x1f5671633c99e30dL, 0xc7f7b7ab441fba21L, 0x9493d3c601717915L, 0x2cf99a15dd269d68L);
        // np.random.SeedSequence(0).generate_state(4, np.uint64)
        assertThat(new SeedSequence(0).generateState64(4))
                .containsExactly(0xdb2cd7e7b0f478beL, 0xabf4641a2c71ba49L, 0x20c6ed6d9d7b8d41L, 0x2c4099de223c39d4L);
        // np.random.SeedSequence(2**70 + 12345).generate_state(4, np.uint64)  (entropy longer than one word)
        assertThat(new SeedSequence(BigInteger.TWO.pow(70).add(BigInteger.valueOf(12345))).generateState64(4))
                .containsExactly(0x2f5e8b441fea9b62L, 0xdae49ef661dbe83dL, 0x3f0dc0875c6ba513L, 0x3635a85779268530L);
    }

    @Test
    void pcg64StateAndOutputs() {
        // np.random.default_rng(1111).bit_generator.state: state 216174424398172169652825297049968954379,
        // inc 54704245659904301741346124647457700561 (as 64-bit halves below)
        Pcg64 p = new Pcg64(new SeedSequence(1111));
        assertThat(new long[] {p.stateHi(), p.stateLo(), p.incHi(), p.incLo()})
                .containsExactly(0xa2a1ae01dcaa39ecL, 0x97e645187fe3cc0bL, 0x2927a78c02e2f22aL, 0x59f3342bba4d3ad1L);
        // np.random.default_rng(1111).bit_generator.random_raw(4)
        assertThat(IntStream.range(0, 4).mapToLong(i -> p.nextLong()).toArray())
                .containsExactly(0xdbfdfdd6d6fab48bL, 0xa822a50efe888cabL, 0x7b5641e27861ebb6L, 0xa94a79cd999500a6L);
    }

    @Test
    void generatorIntegersAndChoice() {
        // g = np.random.default_rng(1111); [int(g.integers(0, 3)) for _ in range(12)]
        PcgGenerator g = new PcgGenerator(1111);
        assertThat(IntStream.range(0, 12).map(i -> (int) g.integers(0, 3)).toArray())
                .containsExactly(2, 2, 2, 1, 1, 1, 1, 1, 2, 1, 1, 1);
        // np.random.default_rng(1111).integers(0, 1000000007, size=6).tolist()
        PcgGenerator big = new PcgGenerator(1111);
        assertThat(IntStream.range(0, 6).mapToLong(i -> big.integers(0, 1000000007)).toArray())
                .containsExactly(839762964L, 859344359L, 994271086L, 656778641L, 470244155L, 481784936L);
        // np.random.default_rng(1111).choice(100, size=30, replace=False).tolist()  (Floyd + shuffle)
        assertThat(new PcgGenerator(1111).choiceWithoutReplacement(100, 30)).containsExactly(35, 8, 48, 80, 41, 95, 78, 61,
                83, 50, 34, 42, 72, 74, 82, 36, 93, 46, 94, 59, 51, 16, 87, 12, 19, 53, 99, 4, 37, 69);
        // np.random.default_rng(1111).choice(20000, size=12, replace=False).tolist()  (Floyd, large population)
        assertThat(new PcgGenerator(1111).choiceWithoutReplacement(20000, 12))
                .containsExactly(13130, 18981, 10279, 9401, 17178, 10659, 19876, 13223, 16786, 9632, 12958, 11995);
        // x = np.random.default_rng(1111).choice(20000, size=1000, replace=False); x[:12].tolist(), x[-3:].tolist()  (tail shuffle)
        int[] tail = new PcgGenerator(1111).choiceWithoutReplacement(20000, 1000);
        assertThat(tail).hasSize(1000).startsWith(9224, 6776, 11808, 9049, 14879, 18025, 8451, 1635, 14814, 11993, 18200, 1507)
                .endsWith(19883, 17186, 16795);
    }
}
