package dev.quantumliquid.cli;

import dev.quantumliquid.train.run.Trainer;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * The live training line on a terminal, rewritten in place with a carriage return:
 * {@code epoch 3/20 batch 12/40 loss 0.0123 val 0.0150 1234 samples/s ETA 00:42}. At most ten
 * rewrites a second (and always the epoch's last batch); a finished epoch's summary takes the line
 * and ends it, so the epochs stay on screen.
 */
final class ProgressLine {
    private static final long MIN_INTERVAL_NS = 100_000_000L;
    private final PrintWriter out;
    private long last = Long.MIN_VALUE;
    private int width;

    ProgressLine(PrintWriter out) {
        this.out = out;
    }

    void batch(Trainer.Batch b) {
        long now = System.nanoTime();
        if (b.batch() < b.batches() && last != Long.MIN_VALUE && now - last < MIN_INTERVAL_NS) {
            return;
        }
        last = now;
        rewrite(format(b));
        out.flush();
    }

    void epoch(String summary) {
        rewrite(summary);
        out.print('\n');
        width = 0;
        out.flush();
    }

    private void rewrite(String s) {
        out.print('\r');
        out.print(s);
        for (int i = s.length(); i < width; i++) { // clear what a longer previous line left
            out.print(' ');
        }
        width = s.length();
    }

    static String format(Trainer.Batch b) {
        String val = Double.isNaN(b.validationLoss()) ? "-" : String.format(Locale.ROOT, "%.4f", b.validationLoss());
        return String.format(Locale.ROOT, "epoch %d/%d batch %d/%d loss %.4f val %s %.0f samples/s ETA %s", b.epoch(), b.epochs(),
                b.batch(), b.batches(), b.trainLoss(), val, b.samplesPerSecond(), eta(b.etaSeconds()));
    }

    /** mm:ss, or h:mm:ss from an hour; "--:--" when unknown. */
    static String eta(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            return "--:--";
        }
        long s = Math.round(seconds);
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
        }
        return String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
    }
}
