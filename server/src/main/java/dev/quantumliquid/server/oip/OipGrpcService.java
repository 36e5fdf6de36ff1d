package dev.quantumliquid.server.oip;

import dev.quantumliquid.engine.model.Model;
import dev.quantumliquid.server.lifecycle.Lifecycle;
import dev.quantumliquid.server.error.ServerException;
import dev.quantumliquid.server.error.ServerException.Kind;
import dev.quantumliquid.server.audit.Audit;
import dev.quantumliquid.server.grpc.GrpcErrors;
import dev.quantumliquid.server.grpc.GrpcExecutors;
import dev.quantumliquid.server.grpc.GrpcGuard;
import dev.quantumliquid.server.grpc.proto.DataType;
import dev.quantumliquid.server.grpc.proto.GRPCInferenceServiceGrpc;
import dev.quantumliquid.server.grpc.proto.InferStatistics;
import dev.quantumliquid.server.grpc.proto.ModelConfig;
import dev.quantumliquid.server.grpc.proto.ModelConfigRequest;
import dev.quantumliquid.server.grpc.proto.ModelConfigResponse;
import dev.quantumliquid.server.grpc.proto.ModelInput;
import dev.quantumliquid.server.grpc.proto.ModelOutput;
import dev.quantumliquid.server.grpc.proto.ModelParameter;
import dev.quantumliquid.server.grpc.proto.ModelSequenceBatching;
import dev.quantumliquid.server.grpc.proto.ModelStatisticsRequest;
import dev.quantumliquid.server.grpc.proto.ModelStatisticsResponse;
import dev.quantumliquid.server.grpc.proto.StatisticDuration;
import dev.quantumliquid.server.grpc.proto.ModelInferRequest;
import dev.quantumliquid.server.grpc.proto.ModelInferResponse;
import dev.quantumliquid.server.grpc.proto.ModelMetadataRequest;
import dev.quantumliquid.server.grpc.proto.ModelMetadataResponse;
import dev.quantumliquid.server.grpc.proto.ModelMetadataResponse.TensorMetadata;
import dev.quantumliquid.server.grpc.proto.ModelReadyRequest;
import dev.quantumliquid.server.grpc.proto.ModelReadyResponse;
import dev.quantumliquid.server.grpc.proto.ModelStreamInferResponse;
import dev.quantumliquid.server.grpc.proto.RepositoryIndexRequest;
import dev.quantumliquid.server.grpc.proto.RepositoryIndexResponse;
import dev.quantumliquid.server.grpc.proto.RepositoryModelLoadRequest;
import dev.quantumliquid.server.grpc.proto.RepositoryModelLoadResponse;
import dev.quantumliquid.server.grpc.proto.RepositoryModelUnloadRequest;
import dev.quantumliquid.server.grpc.proto.RepositoryModelUnloadResponse;
import dev.quantumliquid.server.grpc.proto.ServerLiveRequest;
import dev.quantumliquid.server.grpc.proto.ServerLiveResponse;
import dev.quantumliquid.server.grpc.proto.ServerMetadataRequest;
import dev.quantumliquid.server.grpc.proto.ServerMetadataResponse;
import dev.quantumliquid.server.grpc.proto.ServerReadyRequest;
import dev.quantumliquid.server.grpc.proto.ServerReadyResponse;
import dev.quantumliquid.server.tags.RequestTags;
import dev.quantumliquid.server.security.AccessControl;
import dev.quantumliquid.server.inference.Inference;
import dev.quantumliquid.server.inference.InferenceResult;
import dev.quantumliquid.server.inference.ModelConfiguration;
import dev.quantumliquid.server.inference.ModelStatistics;
import dev.quantumliquid.server.repository.ModelRepository;
import dev.quantumliquid.server.repository.Names;
import dev.quantumliquid.server.repository.ServedModel;
import dev.quantumliquid.server.repository.VersionStatus;
import dev.quantumliquid.server.security.AccessControl.Caller;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * The Open Inference Protocol over gRPC ({@code inference.GRPCInferenceService}): the same
 * repository, inference, sequences and audit trail as the HTTP resources, answered as protobuf.
 * Errors become statuses in {@link GrpcErrors}; on {@code ModelStreamInfer} a failed request is
 * answered with its {@code error_message} and the stream goes on. Handlers run where
 * {@link GrpcExecutors} places their calls; {@code ModelInfer} computes on the event loop only what
 * {@link Inference#runsAtOnce} says runs at once, and offloads the rest.
 */
public final class OipGrpcService extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {
    private final int maxBatch;
    private final Duration sessionIdle;
    private final ModelRepository repository;
    private final Inference inference;
    private final ModelStatistics statistics;
    private final Lifecycle lifecycle;
    private final Audit audit;
    private final GrpcErrors errors;
    private final GrpcGuard guard;
    private final GrpcExecutors executors;
    private final String version;

    public OipGrpcService(int maxBatch, Duration sessionIdle, ModelRepository repository, Inference inference, ModelStatistics statistics,
            Lifecycle lifecycle, Audit audit, GrpcErrors errors, GrpcGuard guard, GrpcExecutors executors, String version) {
        this.maxBatch = maxBatch;
        this.sessionIdle = sessionIdle;
        this.repository = repository;
        this.inference = inference;
        this.statistics = statistics;
        this.lifecycle = lifecycle;
        this.audit = audit;
        this.errors = errors;
        this.guard = guard;
        this.executors = executors;
        this.version = version;
    }

    private static RequestTags tags() {
        RequestTags t = GrpcGuard.TAGS.get();
        return t != null ? t : new RequestTags("-");
    }

    /** Answers a unary call with what {@code work} returns, or with the status of what it threw. */
    private <T> void unary(StreamObserver<T> out, Supplier<T> work) {
        T answer;
        try {
            answer = work.get();
        } catch (RuntimeException e) {
            out.onError(errors.status(e, tags()));
            return;
        }
        out.onNext(answer);
        out.onCompleted();
    }

    @Override
    public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> out) {
        unary(out, () -> ServerLiveResponse.newBuilder().setLive(true).build());
    }

    @Override
    public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> out) {
        unary(out, () -> ServerReadyResponse.newBuilder().setReady(!lifecycle.draining() && repository.anyReady()).build());
    }

    @Override
    public void serverMetadata(ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> out) {
        unary(out, () -> ServerMetadataResponse.newBuilder().setName("quantum-liquid").setVersion(version)
                .addExtensions("model_repository").addExtensions("model_configuration").addExtensions("statistics")
                .addExtensions("classification").addExtensions("sequence").addExtensions("state_token").build());
    }

    private static OptionalLong version(String model, String v) {
        return v.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Names.requireVersion(model, v));
    }

    /** Ready or not; an unknown model or version, or one not ready, is simply not ready (as Triton answers). */
    @Override
    public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> out) {
        unary(out, () -> {
            String model = Names.requireName("name", request.getName());
            boolean ready;
            try {
                ServedModel served = repository.resolve(model, version(model, request.getVersion()));
                tags().model(served.name(), served.version());
                ready = true;
            } catch (ServerException e) {
                if (e.kind() != Kind.NOT_FOUND && e.kind() != Kind.NOT_READY) {
                    throw e;
                }
                ready = false;
            }
            return ModelReadyResponse.newBuilder().setReady(ready).build();
        });
    }

    @Override
    public void modelMetadata(ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> out) {
        unary(out, () -> {
            String model = Names.requireName("name", request.getName());
            ServedModel served = repository.resolve(model, version(model, request.getVersion()));
            tags().model(served.name(), served.version());
            Model m = served.model();
            ModelMetadataResponse.Builder b = ModelMetadataResponse.newBuilder().setName(model).setPlatform(ModelConfiguration.PLATFORM);
            repository.statuses(model).stream().filter(VersionStatus::ready).forEach(v -> b.addVersions(Long.toString(v.version())));
            b.addInputs(tensor(ModelConfiguration.INPUT, -1, -1, m.inputSize())).addInputs(tensor(ModelConfiguration.TIMESPANS, -1, -1));
            b.addOutputs(tensor(ModelConfiguration.OUTPUT, -1, -1, m.outputSize()));
            if (m.hasCoherence()) {
                b.addOutputs(tensor(ModelConfiguration.COHERENCE, -1, -1));
            }
            return b.build();
        });
    }

    private static TensorMetadata tensor(String name, long... shape) {
        TensorMetadata.Builder t = TensorMetadata.newBuilder().setName(name).setDatatype("FP32");
        for (long d : shape) {
            t.addShape(d);
        }
        return t.build();
    }

    /**
     * Runs on the event loop that read the call: a request that {@link Inference#runsAtOnce runs at
     * once} is answered there; any other (many steps, a server-held sequence, no worker free) moves to
     * a virtual thread before it can wait.
     */
    @Override
    public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> out) {
        RequestTags tags = tags();
        OipGrpcCodec.Parsed parsed;
        try {
            parsed = OipGrpcCodec.parse(request);
        } catch (RuntimeException e) {
            out.onError(errors.status(e, tags));
            return;
        }
        if (inference.runsAtOnce(parsed.request())) {
            unary(out, () -> infer(parsed, tags));
        } else {
            executors.offload(() -> unary(out, () -> infer(parsed, tags)));
        }
    }

    private ModelInferResponse infer(ModelInferRequest request, RequestTags tags) {
        return infer(OipGrpcCodec.parse(request), tags);
    }

    private ModelInferResponse infer(OipGrpcCodec.Parsed parsed, RequestTags tags) {
        AccessControl.Caller who = GrpcGuard.CALLER.get();
        Inference.Prepared p = inference.prepare(parsed.request(),
                RequestTags.caller(tags.keyId(), who == null ? "-" : who.client().getHostAddress()));
        tags.model(p.served().name(), p.served().version());
        Model m = p.served().model();
        OipGrpcCodec.checkClassification(parsed, p.served().name(), m.outputSize());
        InferenceResult r = inference.run(p);
        return OipGrpcCodec.response(r, parsed, m.info().outputNames());
    }

    @Override
    public void modelConfig(ModelConfigRequest request, StreamObserver<ModelConfigResponse> out) {
        unary(out, () -> {
            String model = Names.requireName("name", request.getName());
            ServedModel served = repository.resolve(model, version(model, request.getVersion()));
            tags().model(served.name(), served.version());
            ModelConfiguration c = ModelConfiguration.of(served, maxBatch, sessionIdle);
            ModelConfig.Builder b = ModelConfig.newBuilder().setName(c.name()).setPlatform(c.platform()).setBackend(c.backend())
                    .setMaxBatchSize(c.maxBatchSize());
            for (ModelConfiguration.Tensor t : c.inputs()) {
                b.addInput(ModelInput.newBuilder().setName(t.name()).setDataType(DataType.valueOf(t.dataType()))
                        .addAllDims(t.dims()).setOptional(t.optional()));
            }
            for (ModelConfiguration.Tensor t : c.outputs()) {
                b.addOutput(ModelOutput.newBuilder().setName(t.name()).setDataType(DataType.valueOf(t.dataType()))
                        .addAllDims(t.dims()));
            }
            c.sequenceIdleMicroseconds().ifPresent(us -> b.setSequenceBatching(
                    ModelSequenceBatching.newBuilder().setMaxSequenceIdleMicroseconds(us)));
            c.parameters().forEach((k, v) -> b.putParameters(k, ModelParameter.newBuilder().setStringValue(v).build()));
            return ModelConfigResponse.newBuilder().setConfig(b).build();
        });
    }

    /** Every ready version of the model named (of every model when none is), or the version named. */
    @Override
    public void modelStatistics(ModelStatisticsRequest request, StreamObserver<ModelStatisticsResponse> out) {
        unary(out, () -> {
            List<VersionStatus> versions;
            if (request.getName().isEmpty()) {
                if (!request.getVersion().isEmpty()) {
                    throw ServerException.badRequest("version: give the model's name with a version");
                }
                versions = repository.index().stream().filter(VersionStatus::ready).toList();
            } else {
                String model = Names.requireName("name", request.getName());
                OptionalLong v = version(model, request.getVersion());
                versions = repository.statuses(model).stream().filter(VersionStatus::ready)
                        .filter(s -> v.isEmpty() || s.version() == v.getAsLong()).toList();
                if (versions.isEmpty()) {
                    repository.resolve(model, v); // says why: unknown, unloaded, no such version or not ready
                }
            }
            ModelStatisticsResponse.Builder b = ModelStatisticsResponse.newBuilder();
            for (VersionStatus v : versions) {
                ModelStatistics.Snapshot s = statistics.snapshot(v.name(), v.version());
                b.addModelStats(dev.quantumliquid.server.grpc.proto.ModelStatistics.newBuilder().setName(s.name())
                        .setVersion(Long.toString(s.version())).setLastInference(s.lastInferenceMillis())
                        .setInferenceCount(s.inferenceCount()).setExecutionCount(s.executionCount())
                        .setInferenceStats(InferStatistics.newBuilder().setSuccess(duration(s.success()))
                                .setFail(duration(s.fail())).setQueue(duration(s.queue()))
                                .setComputeInput(duration(s.computeInput())).setComputeInfer(duration(s.computeInfer()))
                                .setComputeOutput(duration(s.computeOutput())).setCacheHit(duration(s.cacheHit()))
                                .setCacheMiss(duration(s.cacheMiss()))));
            }
            return b.build();
        });
    }

    private static StatisticDuration duration(ModelStatistics.Stat s) {
        return StatisticDuration.newBuilder().setCount(s.count()).setNs(s.ns()).build();
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    /** Requests of one stream taken ahead of the one running: they wait in order; more wait in the transport. */
    static final int STREAM_WINDOW = 64;

    /**
     * One response per request, in request order: requests run one at a time in arrival order, at
     * most {@value #STREAM_WINDOW} taken ahead, and no more once the client stops reading responses,
     * so a client that stops reading stops the server taking its requests instead of filling memory.
     * Each request passes the access checks again (rate limit, a key revoked meanwhile).
     */
    @Override
    public StreamObserver<ModelInferRequest> modelStreamInfer(StreamObserver<ModelStreamInferResponse> responses) {
        ServerCallStreamObserver<ModelStreamInferResponse> call = (ServerCallStreamObserver<ModelStreamInferResponse>) responses;
        RequestTags tags = tags();
        Caller caller = GrpcGuard.CALLER.get();
        int[] owed = {0}; // requests to take once the client reads again; call callbacks are serialised
        call.disableAutoRequest();
        call.setOnReadyHandler(() -> {
            if (owed[0] > 0 && call.isReady()) {
                call.request(owed[0]);
                owed[0] = 0;
            }
        });
        call.request(STREAM_WINDOW);
        return new StreamObserver<>() {
            @Override
            public void onNext(ModelInferRequest request) {
                ModelStreamInferResponse answer;
                try {
                    if (caller != null) {
                        guard.admitMessage(caller);
                    }
                    answer = ModelStreamInferResponse.newBuilder().setInferResponse(infer(request, tags)).build();
                } catch (RuntimeException e) {
                    answer = ModelStreamInferResponse.newBuilder().setErrorMessage(errors.message(e, tags))
                            .setInferResponse(ModelInferResponse.newBuilder().setId(request.getId())
                                    .setModelName(request.getModelName()).setModelVersion(request.getModelVersion()))
                            .build();
                }
                call.onNext(answer);
                if (call.isReady()) {
                    call.request(1);
                } else {
                    owed[0]++;
                }
            }

            @Override
            public void onError(Throwable t) {
                // the client cancelled or the connection broke: nothing to answer
            }

            @Override
            public void onCompleted() {
                call.onCompleted();
            }
        };
    }

    /** Every version with its state and reason; {@code ready} keeps only ready ones. */
    @Override
    public void repositoryIndex(RepositoryIndexRequest request, StreamObserver<RepositoryIndexResponse> out) {
        unary(out, () -> {
            RepositoryIndexResponse.Builder b = RepositoryIndexResponse.newBuilder();
            for (VersionStatus v : repository.index()) {
                if (!request.getReady() || v.ready()) {
                    b.addModels(RepositoryIndexResponse.ModelIndex.newBuilder().setName(v.name())
                            .setVersion(Long.toString(v.version())).setState(v.state().name()).setReason(v.reason()));
                }
            }
            if (!request.getReady()) {
                for (String name : repository.unloaded()) {
                    b.addModels(RepositoryIndexResponse.ModelIndex.newBuilder().setName(name).setState("UNAVAILABLE")
                            .setReason("unloaded"));
                }
            }
            return b.build();
        });
    }

    @Override
    public void repositoryModelLoad(RepositoryModelLoadRequest request, StreamObserver<RepositoryModelLoadResponse> out) {
        unary(out, () -> {
            audited("load", request.getModelName(), () -> {
                String model = Names.requireName("model_name", request.getModelName());
                if (request.getParametersCount() > 0) {
                    throw ServerException.badRequest("parameters: not supported (the model is loaded from the repository as "
                            + "it is), got " + abbreviate(String.join(", ", request.getParametersMap().keySet())));
                }
                repository.load(model);
            });
            return RepositoryModelLoadResponse.getDefaultInstance();
        });
    }

    @Override
    public void repositoryModelUnload(RepositoryModelUnloadRequest request,
            StreamObserver<RepositoryModelUnloadResponse> out) {
        unary(out, () -> {
            audited("unload", request.getModelName(), () -> {
                String model = Names.requireName("model_name", request.getModelName());
                if (request.getParametersCount() > 0) {
                    throw ServerException.badRequest("parameters: not supported, got "
                            + abbreviate(String.join(", ", request.getParametersMap().keySet())));
                }
                repository.unload(model);
            });
            return RepositoryModelUnloadResponse.getDefaultInstance();
        });
    }

    /** Runs a management action and writes it, who asked and how it ended to the audit trail. */
    private void audited(String action, String raw, Runnable work) {
        String model = Names.isValidName(raw) ? raw : "(invalid name)";
        Caller c = GrpcGuard.CALLER.get();
        String client = c == null ? "-" : c.client().getHostAddress();
        String keyId = tags().keyId();
        try {
            work.run();
        } catch (RuntimeException e) {
            audit.management(action, model, client, keyId, "refused: " + e.getMessage());
            throw e;
        }
        audit.management(action, model, client, keyId, "ok");
    }
}
