package dev.quantumliquid.server.inference;

import dev.quantumliquid.engine.model.BatchInput;
import dev.quantumliquid.engine.model.BatchResult;
import dev.quantumliquid.engine.model.Model;
import dev.quantumliquid.engine.model.Session;
import dev.quantumliquid.server.error.ServerException;
import dev.quantumliquid.server.metrics.ServerMetrics;
import dev.quantumliquid.server.repository.ModelRepository;
import dev.quantumliquid.server.repository.ServedModel;
import dev.quantumliquid.server.state.SequenceState;
import dev.quantumliquid.server.state.SessionStore;
import dev.quantumliquid.server.state.StateTokens;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Runs inference requests, whatever protocol they came in: picks the model version, restores the
 * recurrent state (fresh, token or server-held sequence), answers from the result cache or computes
 * on the bounded pool with the engine's {@code Model.predict}, then reports coherence and issues
 * the continuation token. Request handlers call {@link #prepare} then {@link #run}.
 */
public final class Inference {
    /**
     * A request bound to the version that serves it, with its decoded token if it had one.
     *
     * @param caller who asks ("key:" and the API key id, or "ip:" and the client address): server-held
     *     sequences belong to it
     */
    public record Prepared(InferenceRequest request, ServedModel served, Optional<SequenceState> token, String caller) {
    }

    /** Most models whose idle sessions are kept before the pools are dropped. */
    private static final int MAX_POOLS = 64;

    /** A result and the state after it ([stateSize] for a single sequence, else empty). */
    private record Computed(InferenceResult result, float[] finalState) {
    }

    private final InferenceSettings config;
    private final ModelRepository repository;
    private final WorkerPool pool;
    private final ResultCache cache;
    private final StateTokens tokens;
    private final SessionStore sessions;
    private final CoherenceTracker coherence;
    private final ServerMetrics metrics;
    private final ModelStatistics statistics;
    private final BooleanSupplier draining;
    /**
     * Idle sessions per model (by identity: Model keeps Object's equals). A reloaded version brings a
     * new Model and pool; the map is emptied when it holds {@value #MAX_POOLS}, so replaced models'
     * pools do not pile up over many reloads (idle sessions are only a cache).
     */
    private final ConcurrentHashMap<Model, SessionPool> sessionPools = new ConcurrentHashMap<>();

    public Inference(InferenceSettings config, ModelRepository repository, WorkerPool pool, StateTokens tokens, SessionStore sessions,
            CoherenceTracker coherence, ServerMetrics metrics, ModelStatistics statistics, BooleanSupplier draining) {
        this.draining = draining;
        this.statistics = statistics;
        this.config = config;
        this.repository = repository;
        this.pool = pool;
        this.cache = new ResultCache(config.cacheSize(), config.cacheBytes());
        this.tokens = tokens;
        this.sessions = sessions;
        this.coherence = coherence;
        this.metrics = metrics;
    }

    /**
     * Finds the version that serves the request: the one asked for; else the one its token or open
     * sequence runs on; else the newest ready one.
     */
    public Prepared prepare(InferenceRequest r, String caller) {
        OptionalLong version = r.version();
        Optional<SequenceState> token = Optional.empty();
        switch (r.state()) {
            case StateSource.Token t -> {
                SequenceState s = tokens.decode(t.token());
                if (!s.model().equals(r.model()) || (version.isPresent() && version.getAsLong() != s.version())) {
                    throw ServerException.badRequest("state: the token continues model '" + s.model() + "' version "
                            + s.version() + ", not '" + r.model() + "'" + version.stream().mapToObj(v -> " version " + v)
                                    .findFirst().orElse(""));
                }
                version = OptionalLong.of(s.version());
                token = Optional.of(s);
            }
            case StateSource.Sequence q when !q.start() -> {
                SessionStore.Sequence s = sessions.get(q.id(), caller);
                if (!s.model().equals(r.model()) || (version.isPresent() && version.getAsLong() != s.version())) {
                    throw ServerException.badRequest("sequence_id: sequence '" + q.id() + "' runs on model '" + s.model()
                            + "' version " + s.version());
                }
                version = OptionalLong.of(s.version());
            }
            default -> {
            }
        }
        ServedModel served = repository.resolve(r.model(), version);
        if (token.isPresent() && !token.get().digest().equals(served.digest())) {
            throw ServerException.badRequest("state: the token was issued by other content of model '" + served.name()
                    + "' version " + served.version() + " (its files were replaced since); start a new sequence");
        }
        return new Prepared(r, served, token, caller);
    }

    /**
     * Whether {@link #run} would compute the request on the calling thread without waiting, as far as
     * can be told now: one small task (see {@link WorkerPool#runsAtOnce}), with no server-held
     * sequence, whose lock another request may hold. Callers that must not block (gRPC's event loops)
     * run the others elsewhere.
     */
    public boolean runsAtOnce(InferenceRequest r) {
        return !(r.state() instanceof StateSource.Sequence) && r.input().length > 0
                && pool.runsAtOnce((long) r.input().length * r.input()[0].length);
    }

    /** Runs a prepared request; its outcome and phases go to the version's {@link ModelStatistics}. */
    public InferenceResult run(Prepared p) {
        long t0 = System.nanoTime();
        try {
            return runTimed(p, t0);
        } catch (RuntimeException | Error e) {
            statistics.failure(p.served().name(), p.served().version(), System.nanoTime() - t0);
            throw e;
        }
    }

    private InferenceResult runTimed(Prepared p, long t0) {
        InferenceRequest r = p.request();
        ServedModel served = p.served();
        Model m = served.model();
        validate(m, r);
        int batch = r.input().length;
        if (!(r.state() instanceof StateSource.Fresh) && batch != 1) {
            throw ServerException.badRequest("state: continuing a sequence takes one sequence per request (batch 1), got "
                    + batch);
        }
        SequenceState zero = new SequenceState(served.name(), served.version(), served.digest(), 0, new float[m.stateSize()]);
        return switch (r.state()) {
            case StateSource.Fresh f -> compute(served, r, zero, false, t0).result();
            case StateSource.Token t -> {
                SequenceState s = p.token().orElseThrow();
                if (s.state().length != m.stateSize()) {
                    throw ServerException.badRequest("state: the token holds " + s.state().length
                            + " state values, the model has " + m.stateSize());
                }
                yield compute(served, r, s, true, t0).result();
            }
            case StateSource.Sequence q -> {
                if (q.start() && draining.getAsBoolean()) {
                    throw ServerException.rejected(ServerException.Kind.NOT_READY, "draining",
                            "sequence_id: no new sequence while the server drains (shutting down); start it on another replica");
                }
                SessionStore.Sequence s = q.start() ? sessions.start(q.id(), p.caller(), zero)
                        : sessions.get(q.id(), p.caller());
                s.lock().lock();
                try {
                    if (s.closed() || !s.model().equals(served.name()) || s.version() != served.version()) {
                        throw ServerException.badRequest("sequence_id: '" + q.id()
                                + "' was ended or restarted by another request; send sequence_start");
                    }
                    if (!s.digest().equals(served.digest())) {
                        sessions.end(s);
                        throw ServerException.badRequest("sequence_id: '" + q.id() + "' was opened on other content of model '"
                                + served.name() + "' version " + served.version() + " (its files were replaced since); "
                                + "send sequence_start");
                    }
                    Computed out = compute(served, r, s.state(), true, t0);
                    if (q.end()) {
                        sessions.end(s);
                    } else {
                        s.advance(new SequenceState(served.name(), served.version(), served.digest(), out.result().steps(),
                                out.finalState()));
                    }
                    yield out.result();
                } finally {
                    s.lock().unlock();
                }
            }
        };
    }

    private Computed compute(ServedModel served, InferenceRequest r, SequenceState initial, boolean continued,
            long t0) {
        Model m = served.model();
        float[][][] x = r.input();
        int batch = x.length;
        int steps = x[0].length;
        // Without a cache no key is built: flattening the input would be work for nothing.
        Optional<ResultCache.Key> key = cache.enabled() ? Optional.of(new ResultCache.Key(served.name(), served.version(),
                served.digest(), initial.steps(), batch, steps, flatten(x), r.hasTimespans() ? flatten(r.timespans()) : new float[0],
                continued ? initial.state() : new float[0])) : Optional.empty();
        long l0 = System.nanoTime();
        Optional<ResultCache.Value> cached = key.flatMap(cache::get);
        long cacheNs = System.nanoTime() - l0;
        boolean hit = cached.isPresent();
        ResultCache.Value v;
        long c0 = System.nanoTime();
        long[] started = {c0}; // when a worker took the task: queue before, compute_infer after
        long c1 = c0;
        if (hit) {
            v = cached.get();
        } else {
            ResultCache.Value computed = pool.run((long) batch * steps, Duration.ofNanos(r.timeoutMicros() * 1000), () -> {
                started[0] = System.nanoTime();
                return batch == 1 ? stream(sessions(m), r, initial, continued) : predict(m, r, initial, continued);
            });
            c1 = System.nanoTime();
            metrics.inference(served.name(), (c1 - c0) / 1e9);
            requireFinite(served, computed);
            long p0 = System.nanoTime();
            key.ifPresent(k -> cache.put(k, computed));
            cacheNs += System.nanoTime() - p0;
            v = computed;
        }
        if (cache.enabled()) {
            metrics.cache(served.name(), hit);
        }
        OptionalDouble mean = OptionalDouble.empty();
        boolean low = false;
        if (m.hasCoherence()) {
            double sum = 0;
            long lowSteps = 0;
            for (float c : v.coherence()) {
                sum += c;
                if (c < config.coherenceThreshold()) {
                    lowSteps++;
                }
            }
            mean = OptionalDouble.of(sum / ((long) batch * steps));
            low = lowSteps > 0;
            coherence.record(served.name(), mean.getAsDouble());
            metrics.coherence(served.name(), v.coherence(), lowSteps);
        }
        Optional<String> token = Optional.empty();
        long total = batch == 1 ? initial.steps() + steps : steps;
        if (served.recurrent() && batch == 1) {
            token = Optional.of(tokens.encode(new SequenceState(served.name(), served.version(), served.digest(), total,
                    v.finalState())));
        }
        long end = System.nanoTime();
        statistics.success(served.name(), served.version(), batch, new ModelStatistics.Timing(end - t0, started[0] - c0,
                c0 - t0, c1 - started[0], end - c1, cache.enabled(), hit, cacheNs));
        return new Computed(new InferenceResult(served.name(), served.version(), v.outputRows(),
                m.hasCoherence() ? Optional.of(v.coherenceRows()) : Optional.empty(), mean, low, token, total, hit,
                (end - t0) / 1e6), v.finalState());
    }

    /**
     * No NaN or Inf reaches a client or the next request's state: such a result is an error
     * (counted as non_finite_output), never replaced by a number and never cached.
     */
    private static void requireFinite(ServedModel served, ResultCache.Value v) {
        String what = null;
        if (!allFinite(v.output())) {
            what = "output";
        } else if (!allFinite(v.coherence())) {
            what = "coherence";
        } else if (!allFinite(v.finalState())) {
            what = "state";
        }
        if (what != null) {
            throw new ServerException(ServerException.Kind.NON_FINITE_OUTPUT, "model '" + served.name() + "' version "
                    + served.version() + " computed a non-finite " + what + " (NaN or Inf) for this input; nothing is returned");
        }
    }

    private static boolean allFinite(float[] a) {
        for (float f : a) {
            if (!Float.isFinite(f)) {
                return false;
            }
        }
        return true;
    }

    private SessionPool sessions(Model m) {
        SessionPool p = sessionPools.get(m);
        if (p != null) {
            return p;
        }
        if (sessionPools.size() >= MAX_POOLS) {
            sessionPools.clear();
        }
        return sessionPools.computeIfAbsent(m, k -> new SessionPool(k, config.workers()));
    }

    /**
     * One sequence on a reused engine session: what the engine's batch path does for a single
     * sequence (a session stepped from the zero or the given state), to the bit, without allocating
     * the model's buffers per request.
     */
    private static ResultCache.Value stream(SessionPool sessions, InferenceRequest r, SequenceState initial,
            boolean continued) {
        float[][] x = r.input()[0];
        Session s = sessions.borrow(); // not given back if a step fails: it is simply dropped
        Model m = s.model();
        if (continued && m.stateSize() > 0) {
            s.importState(initial.state());
        } else {
            s.reset();
        }
        float[][] out = new float[x.length][m.outputSize()];
        float[] coh = new float[m.hasCoherence() ? x.length : 0];
        for (int k = 0; k < x.length; k++) {
            float c = s.step(x[k], r.hasTimespans() ? r.timespans()[0][k] : 1f, out[k]);
            if (coh.length > 0) {
                coh[k] = c;
            }
        }
        ResultCache.Value v = ResultCache.Value.of(new float[][][] {out},
                m.hasCoherence() ? new float[][] {coh} : new float[0][], m.stateSize() > 0 ? s.exportState() : new float[0]);
        sessions.giveBack(s);
        return v;
    }

    /** The engine's batch path, starting from the given state for a continued sequence. */
    private static ResultCache.Value predict(Model m, InferenceRequest r, SequenceState initial, boolean continued) {
        BatchInput in = BatchInput.of(r.input());
        if (r.hasTimespans()) {
            in.timespans(r.timespans());
        }
        if (continued && m.stateSize() > 0) {
            float[] hidden = new float[m.hiddenSize()];
            float[] cell = new float[m.cellSize()];
            m.splitState(initial.state(), hidden, cell);
            if (hidden.length > 0) {
                in.initialState(new float[][] {hidden});
            }
            if (cell.length > 0) {
                in.initialCell(new float[][] {cell});
            }
        }
        BatchResult res = m.predict(in, 1);
        double[][][] y = res.output();
        float[][][] out = new float[y.length][][];
        for (int b = 0; b < y.length; b++) {
            out[b] = toFloat(y[b]);
        }
        float[][] coh = res.coherence().map(Inference::toFloat).orElse(new float[0][]);
        float[] fin = new float[0];
        if (m.stateSize() > 0 && y.length == 1) {
            fin = new float[m.stateSize()];
            m.joinState(toFloat(res.finalState())[0], toFloat(res.finalCell())[0], fin);
        }
        return ResultCache.Value.of(out, coh, fin);
    }

    /** Limits and shapes, checked before anything runs; errors name the field, sample, step and limit. */
    private void validate(Model m, InferenceRequest r) {
        float[][][] x = r.input();
        if (x.length == 0) {
            throw ServerException.badRequest("input: the batch is empty");
        }
        if (x.length > config.maxBatch()) {
            throw ServerException.badRequest("input: batch of " + x.length + " sequences, the limit is " + config.maxBatch()
                    + " (QLNN_MAX_BATCH)");
        }
        int t = x[0].length;
        if (t == 0) {
            throw ServerException.badRequest("input: the sequence is empty (need at least one step)");
        }
        if (t > config.maxSequenceLength()) {
            throw ServerException.badRequest("input: " + t + " steps, the limit is " + config.maxSequenceLength()
                    + " (QLNN_MAX_SEQUENCE_LENGTH)");
        }
        for (int b = 0; b < x.length; b++) {
            if (x[b].length != t) {
                throw ServerException.badRequest("input: sequence " + b + " has " + x[b].length + " steps, sequence 0 has " + t);
            }
            for (int k = 0; k < t; k++) {
                float[] s = x[b][k];
                if (s.length != m.inputSize()) {
                    throw ServerException.badRequest("input: sequence " + b + " step " + k + " has " + s.length
                            + " features, model '" + m.name() + "' takes " + m.inputSize());
                }
                for (int f = 0; f < s.length; f++) {
                    if (!Float.isFinite(s[f])) {
                        throw ServerException.badRequest("input: sequence " + b + " step " + k + " feature " + f
                                + " is not a finite float32");
                    }
                    if (Math.abs(s[f]) > config.inputAbsMax()) {
                        throw ServerException.badRequest("input: sequence " + b + " step " + k + " feature " + f
                                + " is outside [-" + fmt(config.inputAbsMax()) + ", " + fmt(config.inputAbsMax())
                                + "] (QLNN_INPUT_ABS_MAX)");
                    }
                }
            }
        }
        if (r.hasTimespans()) {
            float[][] dt = r.timespans();
            if (dt.length != x.length) {
                throw ServerException.badRequest("timespans: " + dt.length + " rows, input has " + x.length + " sequences");
            }
            for (int b = 0; b < dt.length; b++) {
                if (dt[b].length != t) {
                    throw ServerException.badRequest("timespans: row " + b + " has " + dt[b].length + " values, input has "
                            + t + " steps");
                }
                for (int k = 0; k < t; k++) {
                    if (!(dt[b][k] > 0f) || !Float.isFinite(dt[b][k])) {
                        throw ServerException.badRequest("timespans: sequence " + b + " step " + k
                                + " must be a positive finite float32");
                    }
                }
            }
        }
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    private static float[] flatten(float[][][] x) {
        int n = 0;
        for (float[][] a : x) {
            for (float[] b : a) {
                n += b.length;
            }
        }
        float[] out = new float[n];
        int i = 0;
        for (float[][] a : x) {
            for (float[] b : a) {
                System.arraycopy(b, 0, out, i, b.length);
                i += b.length;
            }
        }
        return out;
    }

    private static float[] flatten(float[][] x) {
        return flatten(new float[][][] {x});
    }

    private static float[][] toFloat(double[][] a) {
        float[][] out = new float[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = new float[a[i].length];
            for (int j = 0; j < a[i].length; j++) {
                out[i][j] = (float) a[i][j];
            }
        }
        return out;
    }
}
