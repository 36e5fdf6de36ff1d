package dev.quantumliquid.bench;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import dev.quantumliquid.server.grpc.proto.GRPCInferenceServiceGrpc;
import dev.quantumliquid.server.grpc.proto.InferParameter;
import dev.quantumliquid.server.grpc.proto.ModelInferRequest;
import dev.quantumliquid.server.grpc.proto.ModelStreamInferResponse;
import dev.quantumliquid.server.grpc.proto.ServerLiveRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gRPC benchmark's client side (bench/grpc/run.sh). {@code encode DIR MODEL FEATURES} writes
 * ServerLive and single-step ModelInfer requests as gRPC frames (1 flag byte, 4 length bytes, the
 * message) for h2load; {@code stream HOST PORT MODEL FEATURES STEPS} sends STEPS single-step requests
 * of one server-held sequence over one ModelStreamInfer stream, all in flight at once as the stream's
 * flow control allows, and prints the steps per second from the first request sent to the last
 * response received.
 */
public final class GrpcDriver {
    private GrpcDriver() {
    }

    public static void main(String[] args) throws Exception {
        switch (args.length > 0 ? args[0] : "") {
            case "encode" -> encode(Path.of(args[1]), args[2], Integer.parseInt(args[3]));
            case "stream" -> stream(args[1], Integer.parseInt(args[2]), args[3], Integer.parseInt(args[4]),
                    Integer.parseInt(args[5]));
            default -> {
                System.err.println("usage: GrpcDriver encode DIR MODEL FEATURES | stream HOST PORT MODEL FEATURES STEPS");
                System.exit(2);
            }
        }
    }

    /** One step of {@code features} values, deterministic in {@code k}, as a raw FP32 [1, 1, F] request. */
    private static ModelInferRequest.Builder step(String model, int features, int k) {
        ByteBuffer b = ByteBuffer.allocate(features * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int j = 0; j < features; j++) {
            b.putFloat((float) Math.sin(0.31 * k + 1.3 * j));
        }
        return ModelInferRequest.newBuilder().setModelName(model)
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("input").setDatatype("FP32")
                        .addShape(1).addShape(1).addShape(features))
                .addRawInputContents(ByteString.copyFrom(b.flip()));
    }

    private static void encode(Path dir, String model, int features) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve("live.bin"), frame(ServerLiveRequest.getDefaultInstance()));
        Files.write(dir.resolve("infer.bin"), frame(step(model, features, 0).build()));
    }

    private static byte[] frame(MessageLite m) {
        byte[] body = m.toByteArray();
        return ByteBuffer.allocate(5 + body.length).put((byte) 0).putInt(body.length).put(body).array();
    }

    private static void stream(String host, int port, String model, int features, int steps) throws Exception {
        ManagedChannel ch = NettyChannelBuilder.forAddress(host, port).usePlaintext().build();
        try {
            ModelInferRequest[] requests = new ModelInferRequest[steps];
            String sequence = "bench-" + System.nanoTime();
            for (int k = 0; k < steps; k++) {
                requests[k] = step(model, features, k)
                        .putParameters("sequence_id", InferParameter.newBuilder().setStringParam(sequence).build())
                        .putParameters("sequence_start", InferParameter.newBuilder().setBoolParam(k == 0).build())
                        .putParameters("sequence_end", InferParameter.newBuilder().setBoolParam(k == steps - 1).build())
                        .build();
            }
            GRPCInferenceServiceGrpc.newBlockingStub(ch).serverLive(ServerLiveRequest.getDefaultInstance()); // connect first
            AtomicLong errors = new AtomicLong();
            AtomicLong received = new AtomicLong();
            CompletableFuture<Long> done = new CompletableFuture<>();
            long t0 = System.nanoTime();
            StreamObserver<ModelInferRequest> out = GRPCInferenceServiceGrpc.newStub(ch).modelStreamInfer(new StreamObserver<>() {
                @Override
                public void onNext(ModelStreamInferResponse r) {
                    received.incrementAndGet();
                    if (!r.getErrorMessage().isEmpty() && errors.getAndIncrement() == 0) {
                        System.err.println("first error: " + r.getErrorMessage());
                    }
                }

                @Override
                public void onError(Throwable t) {
                    done.completeExceptionally(t);
                }

                @Override
                public void onCompleted() {
                    done.complete(System.nanoTime());
                }
            });
            for (ModelInferRequest r : requests) {
                out.onNext(r);
            }
            out.onCompleted();
            long t1 = done.get(10, TimeUnit.MINUTES);
            double secs = (t1 - t0) / 1e9;
            System.out.printf(Locale.ROOT, "steps %d responses %d errors %d seconds %.3f steps_per_s %.0f%n", steps,
                    received.get(), errors.get(), secs, steps / secs);
        } finally {
            ch.shutdownNow();
            ch.awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
