package dev.quantumliquid.train.run;

import dev.quantumliquid.train.TrainException;
import dev.quantumliquid.train.batch.Loss;
import dev.quantumliquid.train.batch.Mse;
import dev.quantumliquid.train.data.Windows;
import dev.quantumliquid.train.layers.TrainableModel;
import dev.quantumliquid.train.optim.Adam;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Mini-batch training by backpropagation through time: shuffled batches of windows (seeded), the
 * gradients of fixed 16-window chunks computed in parallel and summed in chunk order (so the weights depend on the
 * seed only, not on the thread count or timing), global-norm clipping, Adam/AdamW with cosine decay,
 * a chronological validation split and early stopping that keeps the best epoch's weights.
 */
public final class Trainer {
    /** Optimisation settings. */
    public record Config(int epochs, int batch, double lr, double weightDecay, double clipNorm, long seed, int threads,
            double validationFraction, int patience, int lossFrom) {
    }

    /** One finished epoch. */
    public record Epoch(int epoch, double trainLoss, double validationLoss, double samplesPerSecond, boolean best) {
    }

    /**
     * Progress within an epoch, after each batch: the mean training loss so far this epoch, the last
     * finished epoch's validation loss (NaN before the first), throughput this epoch and the estimated
     * seconds left in the run (from this session's pace).
     */
    public record Batch(int epoch, int epochs, int batch, int batches, double trainLoss, double validationLoss,
            double samplesPerSecond, double etaSeconds) {
    }

    /**
     * Windows per gradient chunk: a batch is cut into chunks of this size whatever the thread count,
     * and the chunks' gradients are summed in order, so the weights depend on the seed only.
     */
    static final int CHUNK = 16;

    private final TrainableModel model;
    private final Config c;
    private final Loss loss;

    /** Forecasting: weighted MSE from step {@code c.lossFrom()} on, weight per output (1/variance: normalised MSE). */
    public Trainer(TrainableModel model, Config c, double[] outputWeights) {
        this(model, c, new Mse(outputWeights, c.lossFrom()));
    }

    public Trainer(TrainableModel model, Config c, Loss loss) {
        check(c);
        this.model = model;
        this.c = c;
        this.loss = loss;
    }

    /** Refuses settings out of range, naming the command-line flag and the value received. */
    public static void check(Config c) {
        if (c.epochs() < 1) {
            throw new TrainException("--epochs must be >= 1, got " + c.epochs());
        }
        if (c.batch() < 1) {
            throw new TrainException("--batch must be >= 1, got " + c.batch());
        }
        if (!(c.lr() > 0) || !Double.isFinite(c.lr())) {
            throw new TrainException("--lr must be a finite number > 0, got " + c.lr());
        }
        if (c.threads() < 1) {
            throw new TrainException("--threads must be >= 1, got " + c.threads());
        }
    }

    /** Index of the first validation window (windows before it train). */
    public static int split(int windows, double fraction) {
        int val = Math.max(1, (int) Math.round(windows * fraction));
        return Math.max(1, windows - val);
    }

    /** Trains in place; returns the epochs run. The model ends with the best validation epoch's weights. */
    public List<Epoch> train(Windows data, Consumer<Epoch> progress) {
        return train(data, progress, null);
    }

    /**
     * Trains in place, writing a checkpoint after every epoch when {@code ckpt} is given and, when it
     * says resume, continuing from the checkpoint there: the result is bit-identical to a run that was
     * never interrupted (same seed; any thread count).
     */
    public List<Epoch> train(Windows data, Consumer<Epoch> progress, Checkpoint.Spec ckpt) {
        return train(data, progress, b -> { }, ckpt);
    }

    /** As {@link #train(Windows, Consumer, Checkpoint.Spec)}, also reporting each batch. */
    public List<Epoch> train(Windows data, Consumer<Epoch> progress, Consumer<Batch> batches, Checkpoint.Spec ckpt) {
        int cut = split(data.size(), c.validationFraction());
        int[] order = new int[cut];
        for (int i = 0; i < cut; i++) {
            order[i] = i;
        }
        SplittableRandom rnd = new SplittableRandom(c.seed());
        Adam adam = new Adam(model.parameterCount(), model.trainableMask(), c.weightDecay());
        long perEpoch = (cut + c.batch() - 1) / c.batch();
        long total = perEpoch * c.epochs();
        long step = 0;
        double[] best = model.parameters();
        double bestLoss = Double.POSITIVE_INFINITY;
        int since = 0;
        List<Epoch> epochs = new ArrayList<>();
        int first = 1;
        if (ckpt != null && ckpt.resume()) {
            Checkpoint.State st = Checkpoint.read(ckpt.dir(), ckpt.fingerprint());
            if (st.parameters().length != model.parameterCount()) {
                throw new TrainException("--resume: the checkpoint has " + st.parameters().length + " parameters, the model "
                        + model.parameterCount());
            }
            model.setParameters(st.parameters());
            adam.restore(st.adamM(), st.adamV(), st.adamSteps());
            step = st.step();
            best = st.best();
            bestLoss = st.bestLoss();
            since = st.since();
            epochs.addAll(st.epochs());
            for (int e = 1; e <= st.epoch(); e++) {
                shuffle(order, rnd); // the shuffle RNG's state after the finished epochs
            }
            first = st.epoch() + 1;
            if (c.patience() > 0 && since >= c.patience()) {
                first = Integer.MAX_VALUE; // it had stopped early
            }
        }
        int steps = data.x()[0].length;
        long sessionStart = System.nanoTime();
        long sessionBatches = 0;
        long remainingBatches = perEpoch * Math.max(0, c.epochs() - first + 1);
        double lastVal = epochs.isEmpty() ? Double.NaN : epochs.get(epochs.size() - 1).validationLoss();
        try (BatchStepper stepper = new BatchStepper(model, c, loss, steps)) {
            for (int e = first; e <= c.epochs(); e++) {
                long t0 = System.nanoTime();
                shuffle(order, rnd);
                double lossSum = 0;
                int batchNo = 0;
                for (int from = 0; from < cut; from += c.batch()) {
                    int n = Math.min(c.batch(), cut - from);
                    lossSum += stepper.step(data, order, from, n, adam, Adam.cosine(c.lr(), step, total, 0.1), step);
                    step++;
                    batchNo++;
                    sessionBatches++;
                    remainingBatches--;
                    long now = System.nanoTime();
                    int seen = from + n;
                    double perBatch = (now - sessionStart) / 1e9 / sessionBatches;
                    batches.accept(new Batch(e, c.epochs(), batchNo, (int) perEpoch,
                            lossSum / (seen * loss.termsPerWindow(data.x()[0].length)), lastVal,
                            seen / Math.max((now - t0) / 1e9, 1e-9), perBatch * remainingBatches));
                }
                double train = lossSum / (cut * loss.termsPerWindow(data.x()[0].length));
                double val = stepper.loss(data, cut, data.size());
                lastVal = val;
                boolean improved = val < bestLoss;
                if (improved) {
                    bestLoss = val;
                    best = model.parameters();
                    since = 0;
                } else {
                    since++;
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                Epoch ep = new Epoch(e, train, val, cut / Math.max(secs, 1e-9), improved);
                epochs.add(ep);
                if (ckpt != null) {
                    double[][] mv = adam.moments();
                    Checkpoint.write(ckpt.dir(), ckpt.fingerprint(), new Checkpoint.State(e, step, model.parameters(), mv[0], mv[1],
                            adam.steps(), best, bestLoss, since, epochs));
                }
                progress.accept(ep);
                if (c.patience() > 0 && since >= c.patience()) {
                    break;
                }
            }
        }
        model.setParameters(best);
        return epochs;
    }

    private static void shuffle(int[] order, SplittableRandom rnd) {
        for (int i = order.length - 1; i > 0; i--) { // Fisher-Yates
            int j = rnd.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
    }
}
