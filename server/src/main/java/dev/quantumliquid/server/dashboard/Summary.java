package dev.quantumliquid.server.dashboard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.server.dashboard.Sample.Counts;
import dev.quantumliquid.server.dashboard.Sample.Mv;
import dev.quantumliquid.server.repository.ServedModel;
import dev.quantumliquid.server.repository.VersionStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The dashboard's numbers from a run of samples (oldest first, the last one is "now"): every rate
 * and quantile at a point is taken over the {@code window} before it, as PromQL's
 * {@code rate(x[1m])} and {@code histogram_quantile(q, rate(x_bucket[1m]))} would; gauges are their
 * value at the point. Values that do not exist (no traffic in the window, no coherence) are null.
 */
final class Summary {
    static final double[] QUANTILES = {0.5, 0.95, 0.99};
    static final String[] QUANTILE_NAMES = {"p50", "p95", "p99"};

    private final List<Sample> samples;
    private final long windowMillis;
    private final int[] base;
    private final JsonNodeFactory f = JsonNodeFactory.instance;

    Summary(List<Sample> samples, long windowMillis) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no samples");
        }
        this.samples = samples;
        this.windowMillis = windowMillis;
        this.base = new int[samples.size()];
        int j = 0;
        for (int i = 0; i < samples.size(); i++) {
            long t = samples.get(i).atMillis();
            while (j < i && t - samples.get(j).atMillis() > windowMillis) {
                j++;
            }
            base[i] = j == i ? i - 1 : j; // -1: nothing earlier to compare with
        }
    }

    /** The JSON the page polls. */
    ObjectNode json(List<VersionStatus> index, double coherenceThreshold, long intervalMillis) {
        int now = samples.size() - 1;
        Sample last = samples.get(now);
        ObjectNode out = f.objectNode();
        out.put("generated_at", last.atMillis());
        out.put("window_s", windowMillis / 1000.0);
        out.put("interval_s", intervalMillis / 1000.0);
        out.put("coherence_threshold", coherenceThreshold);

        ObjectNode server = out.putObject("server");
        ToDoubleFunction<Sample> all = s -> s.requests().values().stream().mapToDouble(Counts::total).sum();
        ToDoubleFunction<Sample> all5xx = s -> s.requests().values().stream().mapToDouble(Counts::serverErrors).sum();
        num(server.put("requests", increase(now, all)), "request_rate", rate(now, all));
        num(server, "error_rate", ratio(increase(now, all5xx), increase(now, all)));
        quantiles(server.putObject("latency_s"), window(now, Sample::requestLatency));
        num(server, "inflight", last.inflight());
        num(server, "sessions", last.sessions());

        Map<String, List<VersionStatus>> byModel = new LinkedHashMap<>();
        for (VersionStatus v : index) {
            byModel.computeIfAbsent(v.name(), k -> new ArrayList<>()).add(v);
        }
        ArrayNode models = out.putArray("models");
        for (var e : byModel.entrySet()) {
            models.add(model(e.getKey(), e.getValue(), now));
        }
        return out;
    }

    private ObjectNode model(String name, List<VersionStatus> versions, int now) {
        Sample last = samples.get(now);
        ObjectNode m = f.objectNode().put("name", name);
        ServedModel newest = null;
        for (VersionStatus v : versions) {
            if (v.ready() && v.served().isPresent()) {
                newest = v.served().get();
            }
        }
        m.put("ready", newest != null);
        if (newest != null) {
            m.put("serving_version", Long.toString(newest.version()));
            m.put("input_features", newest.model().info().inputFeatures());
            m.put("quantum", newest.model().hasCoherence());
            m.put("recurrent", newest.recurrent());
        }
        ToDoubleFunction<Sample> total = s -> modelCounts(s, name).total();
        ToDoubleFunction<Sample> errors = s -> modelCounts(s, name).serverErrors();
        num(m.put("requests", increase(now, total)), "request_rate", rate(now, total));
        num(m, "error_rate", ratio(increase(now, errors), increase(now, total)));
        HistogramReading lat = window(now, s -> s.inference().get(name));
        m.put("inferences", lat.count());
        quantiles(m.putObject("latency_s"), lat);
        num(m, "coherence", last.coherence().getOrDefault(name, Double.NaN));

        ArrayNode vs = m.putArray("versions");
        for (VersionStatus v : versions) {
            Mv key = new Mv(name, Long.toString(v.version()));
            ToDoubleFunction<Sample> vt = s -> s.requests().getOrDefault(key, Counts.ZERO).total();
            ToDoubleFunction<Sample> ve = s -> s.requests().getOrDefault(key, Counts.ZERO).serverErrors();
            ObjectNode o = vs.addObject().put("version", key.version()).put("state", v.state().name()).put("ready", v.ready());
            if (!v.reason().isEmpty()) {
                o.put("reason", v.reason());
            }
            num(o.put("requests", increase(now, vt)), "request_rate", rate(now, vt));
            num(o, "error_rate", ratio(increase(now, ve), increase(now, vt)));
            num(o, "power_uw", v.served().flatMap(ServedModel::power).map(p -> p.microwatts()).orElse(Double.NaN));
            num(o, "energy_uj_per_step",
                    v.served().flatMap(ServedModel::power).map(p -> p.microjoulesPerStep()).orElse(Double.NaN));
            num(o, "sparsity", v.served().flatMap(ServedModel::sparsity).orElse(Double.NaN));
        }

        ObjectNode h = m.putObject("history");
        ArrayNode t = h.putArray("t");
        ArrayNode rate = h.putArray("request_rate");
        ArrayNode err = h.putArray("error_rate");
        ArrayNode[] q = new ArrayNode[QUANTILES.length];
        for (int k = 0; k < q.length; k++) {
            q[k] = h.putArray(QUANTILE_NAMES[k]);
        }
        ArrayNode coh = h.putArray("coherence");
        ArrayNode pow = h.putArray("power_uw");
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            t.add(s.atMillis());
            add(rate, rate(i, total));
            add(err, ratio(increase(i, errors), increase(i, total)));
            HistogramReading w = window(i, x -> x.inference().get(name));
            for (int k = 0; k < q.length; k++) {
                add(q[k], w.quantile(QUANTILES[k]));
            }
            add(coh, s.coherence().getOrDefault(name, Double.NaN));
            add(pow, servingPower(s, name));
        }
        return m;
    }

    /** Power of the newest version with a power series at that sample (the one unversioned requests reach). */
    private static double servingPower(Sample s, String model) {
        long best = Long.MIN_VALUE;
        double p = Double.NaN;
        for (var e : s.powerMicrowatts().entrySet()) {
            if (e.getKey().model().equals(model)) {
                long v = parseVersion(e.getKey().version());
                if (v > best) {
                    best = v;
                    p = e.getValue();
                }
            }
        }
        return p;
    }

    private static long parseVersion(String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return Long.MIN_VALUE;
        }
    }

    private static Counts modelCounts(Sample s, String model) {
        Counts c = Counts.ZERO;
        for (var e : s.requests().entrySet()) {
            if (e.getKey().model().equals(model)) {
                c = c.plus(e.getValue());
            }
        }
        return c;
    }

    /** How much a cumulative value grew over the window before point i (0 when nothing is earlier). */
    private double increase(int i, ToDoubleFunction<Sample> v) {
        if (base[i] < 0) {
            return 0;
        }
        return Math.max(0, v.applyAsDouble(samples.get(i)) - v.applyAsDouble(samples.get(base[i])));
    }

    /** Per second over the window before point i; NaN at the first point. */
    private double rate(int i, ToDoubleFunction<Sample> v) {
        if (base[i] < 0) {
            return Double.NaN;
        }
        long dt = samples.get(i).atMillis() - samples.get(base[i]).atMillis();
        return dt <= 0 ? Double.NaN : increase(i, v) * 1000.0 / dt;
    }

    private HistogramReading window(int i, java.util.function.Function<Sample, HistogramReading> h) {
        HistogramReading now = h.apply(samples.get(i));
        if (now == null) {
            return HistogramReading.EMPTY;
        }
        return base[i] < 0 ? HistogramReading.EMPTY : now.minus(h.apply(samples.get(base[i])));
    }

    private static double ratio(double part, double whole) {
        return whole > 0 ? part / whole : Double.NaN;
    }

    private static void quantiles(ObjectNode o, HistogramReading h) {
        for (int k = 0; k < QUANTILES.length; k++) {
            num(o, QUANTILE_NAMES[k], h.quantile(QUANTILES[k]));
        }
    }

    private static ObjectNode num(ObjectNode o, String field, double v) {
        return Double.isFinite(v) ? o.put(field, v) : o.putNull(field);
    }

    private static void add(ArrayNode a, double v) {
        if (Double.isFinite(v)) {
            a.add(v);
        } else {
            a.addNull();
        }
    }
}
