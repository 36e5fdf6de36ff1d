package dev.quantumliquid.engine.pruning;

import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.layer.Layer;
import dev.quantumliquid.engine.layer.Prunable;
import dev.quantumliquid.engine.layer.SynapseCount;
import dev.quantumliquid.engine.model.BatchInput;
import dev.quantumliquid.engine.model.Model;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Drift-guarded magnitude pruning of a model's wired liquid layers (spec section 6).
 *
 * <p>Over all layers' {@link Prunable} views, the present synapses with the smallest magnitude are
 * removed (ties: earlier layer, then lower synapse index first) until the model's liquid sparsity,
 * absent / possible synapses, is at least the target. Drift is the largest absolute difference of any
 * output value (every sample, step and output) between the original and the pruned model, both run on
 * the float64 reference path over the calibration input: a bound on how far any single prediction
 * moved, rather than an average that one bad output could hide in. A pruning whose drift exceeds the
 * tolerance is refused.
 */
public final class Pruning {
    private Pruning() {
    }

    public static PruningResult prune(Model model, double targetSparsity, Calibration calib, double driftTolerance) {
        if (!(targetSparsity >= 0 && targetSparsity <= 1)) {
            throw new EngineException("pruning: target sparsity must be in [0, 1], got " + targetSparsity);
        }
        if (!(driftTolerance >= 0)) {
            throw new EngineException("pruning: drift tolerance must be >= 0, got " + driftTolerance);
        }
        if (calib.features() != model.inputSize()) {
            throw new EngineException("pruning: calibration '" + calib.source() + "' has " + calib.features()
                    + " features, model '" + model.name() + "' takes " + model.inputSize());
        }
        SynapseCount before = model.synapses().orElseThrow(() -> new EngineException("pruning: model '" + model.name()
                + "' has no wired liquid layer (liquid sparsity not applicable)"));
        if (before.sparsity() >= targetSparsity) {
            return new PruningResult(model, before.sparsity(), before.sparsity(), 0.0, 0);
        }
        long toRemove = absentNeeded(before.possible(), targetSparsity) - (before.possible() - before.present());

        List<Layer> layers = model.layers();
        List<Integer> owners = new ArrayList<>(); // index in layers of each prunable view
        List<double[]> mags = new ArrayList<>();
        long candidates = 0;
        for (int i = 0; i < layers.size(); i++) {
            Optional<Prunable> p = layers.get(i).prunable();
            if (p.isPresent()) {
                double[] m = magnitudes(layers.get(i), p.get());
                owners.add(i);
                mags.add(m);
                candidates += m.length;
            }
        }
        if (toRemove > candidates) {
            throw new EngineException("pruning: sparsity " + targetSparsity + " needs " + toRemove
                    + " more synapses removed, but only " + candidates + " are prunable");
        }
        // Flatten (view, synapse) pairs in view order so a stable sort breaks ties by position.
        int n = Math.toIntExact(candidates);
        int[] view = new int[n];
        int[] syn = new int[n];
        double[] mag = new double[n];
        int at = 0;
        for (int v = 0; v < mags.size(); v++) {
            double[] m = mags.get(v);
            for (int s = 0; s < m.length; s++, at++) {
                view[at] = v;
                syn[at] = s;
                mag[at] = m[s];
            }
        }
        Integer[] order = new Integer[n];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingDouble(i -> mag[i]));
        boolean[][] remove = new boolean[mags.size()][];
        for (int v = 0; v < remove.length; v++) {
            remove[v] = new boolean[mags.get(v).length];
        }
        for (int k = 0; k < toRemove; k++) {
            remove[view[order[k]]][syn[order[k]]] = true;
        }
        List<Layer> pruned = new ArrayList<>(layers);
        for (int v = 0; v < remove.length; v++) {
            int li = owners.get(v);
            pruned.set(li, layers.get(li).prunable().orElseThrow().withoutSynapses(remove[v]));
        }
        Model result = new Model(model.info(), pruned);
        SynapseCount after = result.synapses().orElseThrow();
        if (after.present() != before.present() - toRemove || after.possible() != before.possible()) {
            throw new EngineException("pruning: model '" + model.name() + "' has " + after.present() + " of "
                    + after.possible() + " synapses after removing " + toRemove + ", expected "
                    + (before.present() - toRemove) + " of " + before.possible() + " (a layer ignored its removals)");
        }
        double drift = drift(model, result, calib.batchInput());
        if (!(drift <= driftTolerance)) {
            throw new EngineException(String.format(Locale.ROOT,
                    "pruning refused: drift %s exceeds tolerance %s at sparsity %s (max |output difference| on %s, %d synapses removed)",
                    drift, driftTolerance, after.sparsity(), calib.source(), toRemove));
        }
        return new PruningResult(result, before.sparsity(), after.sparsity(), drift, toRemove);
    }

    /** Smallest number of absent synapses a with a / possible >= target (exact, despite rounding of target x possible). */
    static long absentNeeded(long possible, double target) {
        long a = (long) Math.ceil(target * possible);
        while (a > 0 && (double) (a - 1) / possible >= target) {
            a--;
        }
        while (a < possible && (double) a / possible < target) {
            a++;
        }
        return a;
    }

    private static double[] magnitudes(Layer layer, Prunable p) {
        double[] m = p.synapseMagnitudes();
        long present = p.synapseCount().present();
        if (m.length != present) {
            throw new EngineException("pruning: layer '" + layer.name() + "' gives " + m.length + " synapse magnitudes for "
                    + present + " present synapses");
        }
        for (int i = 0; i < m.length; i++) {
            if (!(m[i] >= 0) || Double.isInfinite(m[i])) {
                throw new EngineException("pruning: layer '" + layer.name() + "' synapse " + i + " has magnitude " + m[i]
                        + " (expected finite and >= 0)");
            }
        }
        return m;
    }

    /** Largest absolute output difference between two models over the same input (float64 reference path). */
    static double drift(Model a, Model b, BatchInput in) {
        double[][][] ya = a.predictReference(in).output();
        double[][][] yb = b.predictReference(in).output();
        double max = 0;
        for (int i = 0; i < ya.length; i++) {
            for (int t = 0; t < ya[i].length; t++) {
                for (int o = 0; o < ya[i][t].length; o++) {
                    double d = Math.abs(ya[i][t][o] - yb[i][t][o]);
                    if (Double.isNaN(d)) {
                        return d; // a pruned model that blows up is refused, never passed
                    }
                    max = Math.max(max, d);
                }
            }
        }
        return max;
    }
}
