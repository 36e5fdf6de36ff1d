package dev.quantumliquid.engine.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one vector width every Vector API kernel (engine and trainer) computes with: 256 bits, whatever
 * the CPU offers. The lane count decides how sums are split into partial sums and where scalar tails
 * start, so a width that followed the hardware (the preferred species: 8 doubles on AVX-512, 4 on
 * AVX2) would give other bits on another machine. 256 bits is native on AVX2 and AVX-512; a CPU with
 * narrower vectors runs the same lanes through the Vector API's Java fallback, slower, with the same bits.
 */
public final class VectorWidth {
    /** float32 lanes: 8. */
    public static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_256;
    /** float64 lanes: 4. */
    public static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_256;

    private VectorWidth() {
    }
}
