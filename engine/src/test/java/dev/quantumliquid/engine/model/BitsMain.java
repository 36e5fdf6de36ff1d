package dev.quantumliquid.engine.model;

import dev.quantumliquid.engine.Fixtures;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * Child JVM of {@link WarmUpBitsTest}: runs every ncps fixture model through the float32 path (streamed
 * and in lane mode) on a fresh JVM, prints the SHA-256 of every output bit as {@code cold <hex>}, runs
 * them {@code args[0]} more times (the JIT compiles the kernels meanwhile) and prints {@code warm <hex>}.
 */
public final class BitsMain {
    private BitsMain() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        List<Fixtures.Case> cases = Fixtures.all("ncps");
        System.out.println("cold " + digest(cases));
        for (int i = 0; i < rounds; i++) {
            digest(cases);
        }
        System.out.println("warm " + digest(cases));
    }

    static String digest(List<Fixtures.Case> cases) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (Fixtures.Case c : cases) {
            Model m = NcpsImport.toModel(c.name(), c.spec(), c.weights());
            float[][][] x = Fixtures.rank3f(c.io().require("input"));
            BatchInput one = BatchInput.of(x);
            c.io().find("timespans").ifPresent(t -> one.timespans(Fixtures.rank2f(t)));
            add(md, m.predict(one));
            // 9 copies of the first sample: a full lane group and a streamed rest
            float[][][] nine = new float[9][][];
            for (int b = 0; b < nine.length; b++) {
                nine[b] = x[0];
            }
            add(md, m.predict(BatchInput.of(nine)));
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static void add(MessageDigest md, BatchResult r) {
        ByteBuffer buf = ByteBuffer.allocate(8);
        for (double[][] sample : r.output()) {
            for (double[] step : sample) {
                for (double v : step) {
                    md.update(buf.clear().putDouble(0, v).array());
                }
            }
        }
        for (double[] h : r.finalState()) {
            for (double v : h) {
                md.update(buf.clear().putDouble(0, v).array());
            }
        }
    }
}
