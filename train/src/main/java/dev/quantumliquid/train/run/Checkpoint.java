package dev.quantumliquid.train.run;

import dev.quantumliquid.engine.format.AtomicFiles;
import dev.quantumliquid.train.TrainException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training state after a finished epoch, in {@code <dir>/state.bin} written by temp file and
 * atomic rename: the run's fingerprint (data digest, architecture, seed, optimisation settings), the
 * epoch and optimiser step, the current weights, Adam's moments and step count, the best epoch's
 * weights and loss, the epochs without improvement and every epoch's losses. Doubles are stored as
 * their exact bits. The shuffle RNG is not stored: it is seeded and consumes a fixed amount per epoch,
 * so a resumed run replays the finished epochs' shuffles.
 */
public final class Checkpoint {
    static final String FILE = "state.bin";
    private static final int MAGIC = 0x514c434b; // "QLCK"
    private static final int VERSION = 1;

    /** Everything a resumed run needs to continue bit-identically. */
    public record State(int epoch, long step, double[] parameters, double[] adamM, double[] adamV, long adamSteps,
            double[] best, double bestLoss, int since, List<Trainer.Epoch> epochs) {
    }

    /** Where to write and (optionally) what to resume from, for one run. */
    public record Spec(Path dir, Map<String, String> fingerprint, boolean resume) {
        public Spec {
            fingerprint = Map.copyOf(new LinkedHashMap<>(fingerprint));
        }
    }

    private Checkpoint() {
    }

    public static void write(Path dir, Map<String, String> fingerprint, State s) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(fingerprint.size());
            for (Map.Entry<String, String> e : new java.util.TreeMap<>(fingerprint).entrySet()) {
                out.writeUTF(e.getKey());
                out.writeUTF(e.getValue());
            }
            out.writeInt(s.epoch());
            out.writeLong(s.step());
            doubles(out, s.parameters());
            doubles(out, s.adamM());
            doubles(out, s.adamV());
            out.writeLong(s.adamSteps());
            doubles(out, s.best());
            out.writeDouble(s.bestLoss());
            out.writeInt(s.since());
            out.writeInt(s.epochs().size());
            for (Trainer.Epoch e : s.epochs()) {
                out.writeInt(e.epoch());
                out.writeDouble(e.trainLoss());
                out.writeDouble(e.validationLoss());
                out.writeDouble(e.samplesPerSecond());
                out.writeBoolean(e.best());
            }
        } catch (IOException e) {
            throw new IllegalStateException(e); // in memory
        }
        try {
            AtomicFiles.write(dir.resolve(FILE), bytes.toByteArray());
        } catch (RuntimeException e) {
            throw new TrainException(dir + ": cannot write the checkpoint (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Reads the checkpoint in dir; refuses one made for a different run with a one-line message
     * naming the first setting that differs.
     */
    public static State read(Path dir, Map<String, String> fingerprint) {
        Path f = dir.resolve(FILE);
        byte[] raw;
        try {
            raw = Files.readAllBytes(f);
        } catch (NoSuchFileException e) {
            throw new TrainException("--resume: no checkpoint at " + f);
        } catch (IOException e) {
            throw new TrainException(f + ": cannot read the checkpoint (" + e.getMessage() + ")", e);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(raw))) {
            if (in.readInt() != MAGIC || in.readInt() != VERSION) {
                throw new TrainException(f + ": not a qlnn train checkpoint (or another version)");
            }
            int n = in.readInt();
            Map<String, String> saved = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                saved.put(in.readUTF(), in.readUTF());
            }
            for (String k : new java.util.TreeSet<>(union(saved, fingerprint))) {
                String a = saved.get(k);
                String b = fingerprint.get(k);
                if (a == null ? b != null : !a.equals(b)) {
                    throw new TrainException("--resume: the checkpoint was made with " + k + " " + (a == null ? "(unset)" : a)
                            + ", this run has " + (b == null ? "(unset)" : b));
                }
            }
            int epoch = in.readInt();
            long step = in.readLong();
            double[] p = doubles(in);
            double[] m = doubles(in);
            double[] v = doubles(in);
            long t = in.readLong();
            double[] best = doubles(in);
            double bestLoss = in.readDouble();
            int since = in.readInt();
            int ne = in.readInt();
            List<Trainer.Epoch> eps = new ArrayList<>();
            for (int i = 0; i < ne; i++) {
                eps.add(new Trainer.Epoch(in.readInt(), in.readDouble(), in.readDouble(), in.readDouble(), in.readBoolean()));
            }
            if (in.read() != -1) {
                throw new TrainException(f + ": trailing bytes in the checkpoint");
            }
            return new State(epoch, step, p, m, v, t, best, bestLoss, since, eps);
        } catch (IOException e) {
            throw new TrainException(f + ": truncated or corrupt checkpoint (" + e.getMessage() + ")", e);
        }
    }

    private static java.util.Set<String> union(Map<String, String> a, Map<String, String> b) {
        java.util.Set<String> s = new java.util.HashSet<>(a.keySet());
        s.addAll(b.keySet());
        return s;
    }

    private static void doubles(DataOutputStream out, double[] v) throws IOException {
        out.writeInt(v.length);
        for (double x : v) {
            out.writeLong(Double.doubleToRawLongBits(x));
        }
    }

    private static double[] doubles(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.available() / 8) {
            throw new IOException("bad array length " + n);
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = Double.longBitsToDouble(in.readLong());
        }
        return v;
    }
}
