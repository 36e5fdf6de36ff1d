package dev.quantumliquid.server.grpc;

import io.grpc.Context;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Where gRPC calls run. A call runs on the transport's event loop that read it, from the request to
 * the response written, when it cannot block: handing each call to another thread and back costs
 * more CPU than a single-step inference (two thread wake-ups, and per-thread caches of the buffer
 * allocator set up for every new thread). Calls that may block run on virtual threads: the
 * {@link #MAY_BLOCK} methods always, and any other call whose handler {@link #offload offloads}
 * its work (an inference that may wait for a worker or a sequence), so an event loop never waits
 * and other calls on its connections keep being answered.
 */
public final class GrpcExecutors implements AutoCloseable {
    /** Methods whose calls run on virtual threads from the start (long or blocking work per message). */
    static final Set<String> MAY_BLOCK = Set.of("inference.GRPCInferenceService/ModelStreamInfer",
            "inference.GRPCInferenceService/RepositoryModelLoad", "inference.GRPCInferenceService/RepositoryModelUnload");

    private final ExecutorService blocking = Executors.newVirtualThreadPerTaskExecutor();

    /** The executor of a call to {@code fullMethodName}: virtual threads for {@link #MAY_BLOCK}, else null (the event loop). */
    Executor forMethod(String fullMethodName) {
        return MAY_BLOCK.contains(fullMethodName) ? blocking : null;
    }

    /** Runs {@code work} on a virtual thread, in the calling thread's gRPC context (the call's labels, caller, deadline). */
    public void offload(Runnable work) {
        blocking.execute(Context.current().wrap(work));
    }

    /** Takes no more work; running work goes on (it ends with its call). */
    @Override
    public void close() {
        blocking.shutdownNow();
    }
}
