package dev.quantumliquid.server.dashboard;

import dev.quantumliquid.server.metrics.ServerMetrics;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The server's own metrics at one instant, reduced to what the dashboard shows: request and 5xx
 * counts by model and version, inference latency by model, request latency of the inference
 * endpoints, rolling coherence by model, estimated power and energy by model and version, and the
 * in-flight and session gauges. Immutable; a few hundred bytes per model version.
 */
record Sample(long atMillis, Map<Mv, Counts> requests, Map<String, HistogramReading> inference, HistogramReading requestLatency,
        Map<String, Double> coherence, Map<Mv, Double> powerMicrowatts, Map<Mv, Double> energyMicrojoulesPerStep,
        double inflight, double sessions) {

    /** A model and version; the version is "" for requests answered before a model was resolved. */
    record Mv(String model, String version) {
    }

    /** Cumulative requests answered and those of them with a 5xx status. */
    record Counts(double total, double serverErrors) {
        static final Counts ZERO = new Counts(0, 0);

        Counts plus(Counts o) {
            return new Counts(total + o.total, serverErrors + o.serverErrors);
        }
    }

    /** The endpoints whose request latency the deployment guide's alert watches. */
    static final Set<String> INFERENCE_ENDPOINTS = Set.of("infer", "inference");

    static final String PREFIX = "quantum_liquid_";

    static Sample of(MetricSnapshots snapshots, long atMillis) {
        Map<Mv, Counts> requests = new HashMap<>();
        Map<String, HistogramReading> inference = new HashMap<>();
        HistogramReading latency = HistogramReading.EMPTY;
        Map<String, Double> coherence = new HashMap<>();
        Map<Mv, Double> power = new HashMap<>();
        Map<Mv, Double> energy = new HashMap<>();
        double inflight = Double.NaN;
        double sessions = Double.NaN;
        for (MetricSnapshot m : snapshots) {
            String raw = m.getMetadata().getName();
            String name = raw.endsWith("_total") ? raw.substring(0, raw.length() - "_total".length()) : raw;
            switch (m) {
                case CounterSnapshot c when name.equals(PREFIX + "requests") -> {
                    for (var d : c.getDataPoints()) {
                        Labels l = d.getLabels();
                        boolean fiveXx = ServerMetrics.serverError(l.get("code"));
                        requests.merge(new Mv(text(l.get("model")), text(l.get("version"))),
                                new Counts(d.getValue(), fiveXx ? d.getValue() : 0), Counts::plus);
                    }
                }
                case HistogramSnapshot h when name.equals(PREFIX + "inference_duration_seconds") -> {
                    for (var d : h.getDataPoints()) {
                        inference.merge(text(d.getLabels().get("model")), hist(d), HistogramReading::plus);
                    }
                }
                case HistogramSnapshot h when name.equals(PREFIX + "request_duration_seconds") -> {
                    for (var d : h.getDataPoints()) {
                        if (INFERENCE_ENDPOINTS.contains(d.getLabels().get("endpoint"))) {
                            latency = latency.plus(hist(d));
                        }
                    }
                }
                case GaugeSnapshot g when name.equals(PREFIX + "coherence_avg") ->
                        g.getDataPoints().forEach(d -> coherence.put(text(d.getLabels().get("model")), d.getValue()));
                case GaugeSnapshot g when name.equals(PREFIX + "model_power_microwatts") ->
                        g.getDataPoints().forEach(d -> power.put(mv(d.getLabels()), d.getValue()));
                case GaugeSnapshot g when name.equals(PREFIX + "model_energy_microjoules_per_step") ->
                        g.getDataPoints().forEach(d -> energy.put(mv(d.getLabels()), d.getValue()));
                case GaugeSnapshot g when name.equals(PREFIX + "inflight_requests") && !g.getDataPoints().isEmpty() ->
                        inflight = g.getDataPoints().get(0).getValue();
                case GaugeSnapshot g when name.equals(PREFIX + "sessions_active") && !g.getDataPoints().isEmpty() ->
                        sessions = g.getDataPoints().get(0).getValue();
                default -> {
                }
            }
        }
        return new Sample(atMillis, Map.copyOf(requests), Map.copyOf(inference), latency, Map.copyOf(coherence),
                Map.copyOf(power), Map.copyOf(energy), inflight, sessions);
    }

    private static Mv mv(Labels l) {
        return new Mv(text(l.get("model")), text(l.get("version")));
    }

    private static String text(String s) {
        return s == null ? "" : s;
    }

    /** client_java keeps a count per bucket; the dashboard works on cumulative counts, like {@code _bucket}. */
    private static HistogramReading hist(HistogramSnapshot.HistogramDataPointSnapshot d) {
        if (!d.hasClassicHistogramData()) {
            return HistogramReading.EMPTY;
        }
        ClassicHistogramBuckets b = d.getClassicBuckets();
        double[] bounds = new double[b.size()];
        long[] cumulative = new long[b.size()];
        long running = 0;
        for (int i = 0; i < b.size(); i++) {
            bounds[i] = b.getUpperBound(i);
            running += b.getCount(i);
            cumulative[i] = running;
        }
        return new HistogramReading(bounds, cumulative, d.hasSum() ? d.getSum() : 0);
    }
}
