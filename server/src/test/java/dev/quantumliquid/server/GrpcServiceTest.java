package dev.quantumliquid.server;

import dev.quantumliquid.server.error.ServerException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.quantumliquid.engine.model.BatchInput;
import dev.quantumliquid.engine.model.Model;
import dev.quantumliquid.engine.model.ModelFiles;
import dev.quantumliquid.server.grpc.proto.DataType;
import dev.quantumliquid.server.grpc.proto.GRPCInferenceServiceGrpc;
import dev.quantumliquid.server.grpc.proto.ModelConfigRequest;
import dev.quantumliquid.server.grpc.proto.ModelStatisticsRequest;
import dev.quantumliquid.server.grpc.proto.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import dev.quantumliquid.server.grpc.proto.InferParameter;
import dev.quantumliquid.server.grpc.proto.InferTensorContents;
import dev.quantumliquid.server.grpc.proto.ModelInferRequest;
import dev.quantumliquid.server.grpc.proto.ModelInferResponse;
import dev.quantumliquid.server.grpc.proto.ModelMetadataRequest;
import dev.quantumliquid.server.grpc.proto.ModelMetadataResponse;
import dev.quantumliquid.server.grpc.proto.ModelReadyRequest;
import dev.quantumliquid.server.grpc.proto.ModelStreamInferResponse;
import dev.quantumliquid.server.grpc.proto.RepositoryIndexRequest;
import dev.quantumliquid.server.grpc.proto.RepositoryIndexResponse;
import dev.quantumliquid.server.grpc.proto.RepositoryModelLoadRequest;
import dev.quantumliquid.server.grpc.proto.RepositoryModelUnloadRequest;
import dev.quantumliquid.server.grpc.proto.ServerLiveRequest;
import dev.quantumliquid.server.grpc.proto.ServerMetadataRequest;
import dev.quantumliquid.server.grpc.proto.ServerReadyRequest;
import dev.quantumliquid.server.security.ApiKeys;
import dev.quantumliquid.server.security.Role;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Open Inference Protocol over gRPC, driven by a real grpc-java client built from the project's
 * .proto against a real server serving the bundled demo model: every RPC, a long sequence streamed
 * step by step equal to one request over it, and every refusal with its status code.
 */
class GrpcServiceTest {
    static final String DEMO = "quantum-liquid-demo";

    @TempDir
    static Path repo;
    static Model demo;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    static void repository() throws IOException {
        Path from = Path.of("../models", DEMO, "1");
        Path to = Files.createDirectories(repo.resolve(DEMO).resolve("1"));
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        demo = ModelFiles.load(to);
        TestModels.writeDense(repo, "dense", 1, 0f);
        Path broken = Files.createDirectories(repo.resolve("broken").resolve("1"));
        Files.writeString(broken.resolve("model.json"), "{ not a model");
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    private TestServer start(Map<String, String> overrides) {
        Map<String, String> env = new java.util.HashMap<>(Map.of("QLNN_GRPC_PORT", "-1", "LIQUID_SPARSITY", "0",
                "QLNN_CACHE_SIZE", "0"));
        env.putAll(overrides);
        TestServer s = TestServer.start(repo, env);
        open.add(s);
        return s;
    }

    private ManagedChannel channel(TestServer s) {
        ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", s.server.grpcPort().orElseThrow()).usePlaintext().build();
        open.add(() -> {
            ch.shutdownNow();
            ch.awaitTermination(5, TimeUnit.SECONDS);
        });
        return ch;
    }

    private static GRPCInferenceServiceBlockingStub stub(ManagedChannel ch) {
        return GRPCInferenceServiceGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    private static GRPCInferenceServiceBlockingStub stub(ManagedChannel ch, String key) {
        Metadata m = new Metadata();
        m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
        return stub(ch).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(m));
    }

    /** [1, T, F] as raw little-endian FP32 bytes. */
    private static ModelInferRequest.Builder rawInfer(float[][] steps) {
        ByteBuffer b = ByteBuffer.allocate(steps.length * steps[0].length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] s : steps) {
            for (float v : s) {
                b.putFloat(v);
            }
        }
        return ModelInferRequest.newBuilder().setModelName(DEMO)
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("input").setDatatype("FP32")
                        .addShape(1).addShape(steps.length).addShape(steps[0].length))
                .addRawInputContents(ByteString.copyFrom(b.flip()));
    }

    private static float[] floats(ModelInferResponse r, String name) {
        for (int i = 0; i < r.getOutputsCount(); i++) {
            if (r.getOutputs(i).getName().equals(name)) {
                ByteBuffer b = r.getRawOutputContents(i).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                float[] out = new float[b.remaining() / 4];
                b.asFloatBuffer().get(out);
                return out;
            }
        }
        throw new AssertionError("no output " + name + " in " + r);
    }

    private static Status.Code code(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
        throw new AssertionError("the call succeeded");
    }

    @Test
    void everyRpcAnswersAsTheProtocolSays() {
        TestServer s = start(Map.of());
        ManagedChannel ch = channel(s);
        var stub = stub(ch);
        assertThat(stub.serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();
        assertThat(stub.serverReady(ServerReadyRequest.getDefaultInstance()).getReady()).isTrue();
        var meta = stub.serverMetadata(ServerMetadataRequest.getDefaultInstance());
        assertThat(meta.getName()).isEqualTo("quantum-liquid");
        assertThat(meta.getExtensionsList()).contains("model_repository", "sequence");
        assertThat(stub.modelReady(ModelReadyRequest.newBuilder().setName(DEMO).build()).getReady()).isTrue();
        assertThat(stub.modelReady(ModelReadyRequest.newBuilder().setName("nope").build()).getReady()).isFalse();
        assertThat(stub.modelReady(ModelReadyRequest.newBuilder().setName("broken").build()).getReady()).isFalse();
        ModelMetadataResponse md = stub.modelMetadata(ModelMetadataRequest.newBuilder().setName(DEMO).setVersion("1").build());
        assertThat(md.getVersionsList()).containsExactly("1");
        assertThat(md.getInputs(0).getName()).isEqualTo("input");
        assertThat(md.getInputs(0).getShapeList()).containsExactly(-1L, -1L, (long) demo.inputSize());
        assertThat(md.getOutputs(0).getShapeList()).containsExactly(-1L, -1L, (long) demo.outputSize());

        float[][][] x = Bodies.input(1, 5, demo.inputSize(), 0.25f);
        float[] want = Bodies.flat(demo.predict(BatchInput.of(x), 1).output());
        ModelInferResponse raw = stub.modelInfer(rawInfer(x[0]).setId("r-1").build());
        assertThat(raw.getId()).isEqualTo("r-1");
        assertThat(raw.getOutputs(0).getShapeList()).containsExactly(1L, 5L, (long) demo.outputSize());
        assertThat(floats(raw, "output")).containsExactly(want);
        InferTensorContents.Builder typed = InferTensorContents.newBuilder();
        for (float[] step : x[0]) {
            for (float v : step) {
                typed.addFp32Contents(v);
            }
        }
        ModelInferResponse viaContents = stub.modelInfer(ModelInferRequest.newBuilder().setModelName(DEMO)
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("input").setDatatype("FP32")
                        .addShape(5).addShape(demo.inputSize()).setContents(typed))
                .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("output")).build());
        assertThat(floats(viaContents, "output")).containsExactly(want);
        assertThat(viaContents.getOutputsCount()).as("only the output asked for").isEqualTo(1);
        float[] json = Bodies.output(s.post("/v2/models/" + DEMO + "/infer", Bodies.infer(x).toString()).json(), "output");
        assertThat(floats(raw, "output")).as("gRPC and HTTP JSON agree to the bit").containsExactly(json);
        assertThat(floats(stub.withCompression("gzip").modelInfer(rawInfer(x[0]).build()), "output"))
                .as("a gzip-compressed request").containsExactly(want);

        ModelInferResponse wide = stub.modelInfer(rawInfer(x[0])
                .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("output")
                        .putParameters("datatype", InferParameter.newBuilder().setStringParam("FP64").build()))
                .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("output")
                        .putParameters("classification", InferParameter.newBuilder().setInt64Param(1).build()))
                .putParameters("timeout", InferParameter.newBuilder().setInt64Param(5_000_000).build()).build());
        assertThat(wide.getOutputs(0).getDatatype()).isEqualTo("FP64");
        ByteBuffer fp64 = wide.getRawOutputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        for (float w : want) {
            assertThat(fp64.getDouble()).isEqualTo((double) w);
        }
        assertThat(wide.getOutputs(1).getDatatype()).isEqualTo("BYTES");
        assertThat(wide.getOutputs(1).getShapeList()).containsExactly(1L, 5L, 1L);
        ByteBuffer top = wide.getRawOutputContents(1).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        byte[] first = new byte[top.getInt()];
        top.get(first);
        int best = 0;
        for (int j = 1; j < demo.outputSize(); j++) {
            best = want[j] > want[best] ? j : best;
        }
        assertThat(new String(first, java.nio.charset.StandardCharsets.UTF_8).split(":")[1]).isEqualTo(Integer.toString(best));
        InferTensorContents.Builder ints = InferTensorContents.newBuilder();
        for (int j = 0; j < demo.inputSize(); j++) {
            ints.addIntContents(j % 3 - 1);
        }
        float[][][] xi = new float[1][1][demo.inputSize()];
        for (int j = 0; j < demo.inputSize(); j++) {
            xi[0][0][j] = j % 3 - 1;
        }
        ModelInferResponse viaInts = stub.modelInfer(ModelInferRequest.newBuilder().setModelName(DEMO)
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("input").setDatatype("INT8")
                        .addShape(demo.inputSize()).setContents(ints)).build());
        assertThat(floats(viaInts, "output")).containsExactly(Bodies.flat(demo.predict(BatchInput.of(xi), 1).output()));

        var config = stub.modelConfig(ModelConfigRequest.newBuilder().setName(DEMO).build()).getConfig();
        assertThat(config.getName()).isEqualTo(DEMO);
        assertThat(config.getPlatform()).isEqualTo("qlnn_model");
        assertThat(config.getInput(0).getDataType()).isEqualTo(DataType.TYPE_FP32);
        assertThat(config.getInput(0).getDimsList()).containsExactly(-1L, (long) demo.inputSize());
        assertThat(config.getMaxBatchSize()).isPositive();
        assertThat(config.hasSequenceBatching()).isEqualTo(demo.stateSize() > 0);
        var stats = stub.modelStatistics(ModelStatisticsRequest.newBuilder().setName(DEMO).build());
        assertThat(stats.getModelStatsList()).singleElement().satisfies(m -> {
            assertThat(m.getVersion()).isEqualTo("1");
            assertThat(m.getInferenceCount()).as("the gRPC and HTTP requests above").isEqualTo(6);
            assertThat(m.getInferenceStats().getSuccess().getCount()).isEqualTo(6);
            assertThat(m.getInferenceStats().getComputeInfer().getNs()).isPositive();
            assertThat(m.getLastInference()).isPositive();
        });
        assertThat(stub.modelStatistics(ModelStatisticsRequest.getDefaultInstance()).getModelStatsCount()).isEqualTo(2);

        RepositoryIndexResponse index = stub.repositoryIndex(RepositoryIndexRequest.newBuilder().setReady(true).build());
        assertThat(index.getModelsList()).extracting(RepositoryIndexResponse.ModelIndex::getName).containsExactly("dense", DEMO);
        assertThat(stub.repositoryIndex(RepositoryIndexRequest.getDefaultInstance()).getModelsList())
                .anySatisfy(m -> assertThat(m.getName() + " " + m.getState()).isEqualTo("broken UNAVAILABLE"));
        stub.repositoryModelUnload(RepositoryModelUnloadRequest.newBuilder().setModelName("dense").build());
        assertThat(stub.modelReady(ModelReadyRequest.newBuilder().setName("dense").build()).getReady()).isFalse();
        stub.repositoryModelLoad(RepositoryModelLoadRequest.newBuilder().setModelName("dense").build());
        assertThat(stub.modelReady(ModelReadyRequest.newBuilder().setName("dense").build()).getReady()).isTrue();

        var health = HealthGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS);
        assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(ServingStatus.SERVING);
        assertThat(health.check(HealthCheckRequest.newBuilder().setService("inference.GRPCInferenceService").build())
                .getStatus()).isEqualTo(ServingStatus.SERVING);

        stub.repositoryModelUnload(RepositoryModelUnloadRequest.newBuilder().setModelName("dense").build());
        stub.repositoryModelUnload(RepositoryModelUnloadRequest.newBuilder().setModelName(DEMO).build());
        assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus()).as("no model ready")
                .isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(stub.serverReady(ServerReadyRequest.getDefaultInstance()).getReady()).isFalse();
        stub.repositoryModelLoad(RepositoryModelLoadRequest.newBuilder().setModelName(DEMO).build());
        assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(ServingStatus.SERVING);

        String metrics = s.get("/metrics").body();
        assertThat(metrics).contains("quantum_liquid_requests_total{code=\"OK\",endpoint=\"infer\",model=\"" + DEMO
                + "\",protocol=\"grpc\",version=\"1\"} 5.0");
        assertThat(metrics).contains("protocol=\"http\"");
    }

    @Test
    void aThousandStepsStreamedOnOneSequenceEqualOneRequestOverTheWholeSequence() throws Exception {
        TestServer s = start(Map.of());
        ManagedChannel ch = channel(s);
        int n = 1000;
        float[][][] x = Bodies.input(1, n, demo.inputSize(), 1.5f);
        float[] whole = floats(stub(ch).modelInfer(rawInfer(x[0]).build()), "output");
        assertThat(whole).containsExactly(Bodies.flat(demo.predict(BatchInput.of(x), 1).output()));

        List<ModelStreamInferResponse> got = new ArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        StreamObserver<ModelInferRequest> requests = GRPCInferenceServiceGrpc.newStub(ch).withDeadlineAfter(120, TimeUnit.SECONDS)
                .modelStreamInfer(new StreamObserver<>() {
                    @Override
                    public void onNext(ModelStreamInferResponse r) {
                        got.add(r);
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        done.complete(null);
                    }
                });
        for (int k = 0; k < n; k++) {
            ModelInferRequest.Builder r = rawInfer(new float[][] {x[0][k]}).setId("step-" + k)
                    .putParameters("sequence_id", InferParameter.newBuilder().setInt64Param(4242).build())
                    .putParameters("sequence_start", InferParameter.newBuilder().setBoolParam(k == 0).build())
                    .putParameters("sequence_end", InferParameter.newBuilder().setBoolParam(k == n - 1).build());
            requests.onNext(r.build());
            if (k == 500) { // a bad request in the middle: its own error, the stream and the sequence go on
                requests.onNext(rawInfer(new float[][] {x[0][k]}).setId("bad").setModelName("nope").build());
            }
        }
        requests.onCompleted();
        done.get(120, TimeUnit.SECONDS);
        assertThat(got).hasSize(n + 1);
        float[] streamed = new float[whole.length];
        int o = demo.outputSize();
        int k = 0;
        for (ModelStreamInferResponse r : got) {
            if (r.getInferResponse().getId().equals("bad")) {
                assertThat(r.getErrorMessage()).startsWith("NOT_FOUND").contains("nope");
                continue;
            }
            assertThat(r.getErrorMessage()).isEmpty();
            assertThat(r.getInferResponse().getId()).as("responses in request order").isEqualTo("step-" + k);
            System.arraycopy(floats(r.getInferResponse(), "output"), 0, streamed, k * o, o);
            k++;
        }
        assertThat(streamed).containsExactly(whole);
        assertThat(s.get("/metrics").body()).contains("quantum_liquid_sessions_active 0.0");
    }

    @Test
    void badInputIsRefusedWithTheRightStatusAndTheServerGoesOn() {
        TestServer s = start(Map.of());
        ManagedChannel ch = channel(s);
        var stub = stub(ch);
        float[][] step = {Bodies.input(1, 1, demo.inputSize(), 0f)[0][0]};
        float[][] nan = {step[0].clone()};
        nan[0][0] = Float.NaN;
        assertThat(code(() -> stub.modelInfer(rawInfer(step).setModelName("nope").build()))).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(code(() -> stub.modelMetadata(ModelMetadataRequest.newBuilder().setName(DEMO).setVersion("7").build())))
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(code(() -> stub.modelInfer(rawInfer(step).setModelName("broken").build()))).isEqualTo(Status.Code.UNAVAILABLE);
        List<ModelInferRequest> bad = List.of(
                rawInfer(step).setModelName("../etc").build(),
                rawInfer(step).setInputs(0, rawInfer(step).getInputs(0).toBuilder().setDatatype("BYTES")).build(),
                rawInfer(step).setInputs(0, rawInfer(step).getInputs(0).toBuilder().setShape(2, demo.inputSize() + 1)).build(),
                rawInfer(step).setRawInputContents(0, ByteString.copyFrom(new byte[3])).build(),
                rawInfer(step).addRawInputContents(ByteString.EMPTY).build(),
                rawInfer(nan).build(),
                rawInfer(step).putParameters("priority", InferParameter.newBuilder().setUint64Param(1).build()).build(),
                rawInfer(step).putParameters("sequence_end", InferParameter.newBuilder().setBoolParam(true).build()).build(),
                rawInfer(step).putParameters("sequence_id", InferParameter.newBuilder().setInt64Param(99).build()).build(),
                rawInfer(step).addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("logits")).build(),
                rawInfer(step).addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("output")
                        .putParameters("classification", InferParameter.newBuilder().setInt64Param(1000).build())).build(),
                rawInfer(step).setInputs(0, rawInfer(step).getInputs(0).toBuilder().setDatatype("INT8")).build(),
                ModelInferRequest.newBuilder().setModelName(DEMO).build());
        for (ModelInferRequest r : bad) {
            StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                    () -> stub.modelInfer(r));
            assertThat(e.getStatus().getCode()).as(String.valueOf(e.getStatus().getDescription())).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription()).doesNotContain("\n").isNotBlank();
        }
        assertThat(floats(stub.modelInfer(rawInfer(step).build()), "output")).hasSize(demo.outputSize());
    }

    @Test
    void aGrpcPortInUseStopsStartUpNamingTheVariableAndOffMeansNoListener() {
        TestServer first = start(Map.of());
        int taken = first.server.grpcPort().orElseThrow();
        assertThatThrownBy(() -> start(Map.of("QLNN_GRPC_PORT", Integer.toString(taken))))
                .isInstanceOf(ServerException.class).hasMessageContaining("QLNN_GRPC_PORT").hasMessageContaining(":" + taken);
        assertThat(start(Map.of("QLNN_GRPC_PORT", "0")).server.grpcPort()).isEmpty();
        assertThat(first.get("/v2/health/ready").status()).as("the first server goes on").isEqualTo(200);
    }

    @Test
    void keysRolesAllowlistAndRateLimitApplyAsOverHttp() throws IOException {
        ApiKeys.Generated infer = ApiKeys.generate("infer-1", Role.INFER, new SecureRandom());
        ApiKeys.Generated admin = ApiKeys.generate("admin-1", Role.ADMIN, new SecureRandom());
        Path keys = Files.writeString(repo.resolveSibling(repo.getFileName() + "-keys.txt"), infer.line() + "\n" + admin.line() + "\n");
        TestServer s = start(Map.of("QLNN_API_KEYS_FILE", keys.toString()));
        ManagedChannel ch = channel(s);
        float[][] step = {Bodies.input(1, 1, demo.inputSize(), 0f)[0][0]};
        assertThat(stub(ch).serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).as("probes stay open").isTrue();
        assertThat(HealthGrpc.newBlockingStub(ch).check(HealthCheckRequest.getDefaultInstance()).getStatus())
                .isEqualTo(ServingStatus.SERVING);
        assertThat(code(() -> stub(ch).modelInfer(rawInfer(step).build()))).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(code(() -> stub(ch, "not-a-key").modelInfer(rawInfer(step).build()))).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(stub(ch, infer.key()).modelInfer(rawInfer(step).build()).getModelName()).isEqualTo(DEMO);
        assertThat(code(() -> stub(ch, infer.key()).repositoryIndex(RepositoryIndexRequest.getDefaultInstance())))
                .isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(stub(ch, admin.key()).repositoryIndex(RepositoryIndexRequest.getDefaultInstance()).getModelsCount()).isPositive();
        assertThat(s.get("/metrics").body()).contains("endpoint=\"infer\",model=\"\",protocol=\"grpc\",version=\"\"}")
                .contains("code=\"UNAUTHENTICATED\"");

        TestServer far = start(Map.of("QLNN_ADMIN_ALLOW_CIDRS", "10.0.0.0/8"));
        assertThat(code(() -> stub(channel(far)).repositoryIndex(RepositoryIndexRequest.getDefaultInstance())))
                .as("an address outside the allowlist").isEqualTo(Status.Code.PERMISSION_DENIED);

        TestServer limited = start(Map.of("QLNN_RATE_LIMIT_RPS", "0.001"));
        ManagedChannel lc = channel(limited);
        assertThat(stub(lc).modelInfer(rawInfer(step).build()).getModelName()).isEqualTo(DEMO);
        assertThat(code(() -> stub(lc).modelInfer(rawInfer(step).build()))).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    }
}
