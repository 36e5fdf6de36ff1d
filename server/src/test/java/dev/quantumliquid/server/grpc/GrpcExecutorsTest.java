package dev.quantumliquid.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Context;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GrpcExecutorsTest {
    @Test
    void onlyMethodsThatMayBlockLeaveTheEventLoop() {
        try (GrpcExecutors executors = new GrpcExecutors()) {
            assertThat(executors.forMethod("inference.GRPCInferenceService/ModelStreamInfer")).isNotNull();
            assertThat(executors.forMethod("inference.GRPCInferenceService/RepositoryModelLoad")).isNotNull();
            assertThat(executors.forMethod("inference.GRPCInferenceService/RepositoryModelUnload")).isNotNull();
            assertThat(executors.forMethod("inference.GRPCInferenceService/ModelInfer")).as("decides per request").isNull();
            assertThat(executors.forMethod("inference.GRPCInferenceService/ServerLive")).isNull();
            assertThat(executors.forMethod("grpc.health.v1.Health/Check")).isNull();
        }
    }

    @Test
    void offloadedWorkRunsOnAVirtualThreadInTheCallersContext() throws Exception {
        Context.Key<String> key = Context.key("test");
        try (GrpcExecutors executors = new GrpcExecutors()) {
            CompletableFuture<String> seen = new CompletableFuture<>();
            Context.current().withValue(key, "call-1").run(() -> executors.offload(() -> seen.complete(
                    key.get() + (Thread.currentThread().isVirtual() ? " on a virtual thread" : " elsewhere"))));
            assertThat(seen.get(5, TimeUnit.SECONDS)).isEqualTo("call-1 on a virtual thread");
        }
    }
}
