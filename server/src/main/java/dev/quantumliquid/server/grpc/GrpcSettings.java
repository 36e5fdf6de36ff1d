package dev.quantumliquid.server.grpc;

import dev.quantumliquid.server.config.PropertySource;
import dev.quantumliquid.server.config.Setting;
import java.util.List;

/**
 * The gRPC listener.
 *
 * @param port QLNN_GRPC_PORT as given: 0 turns the listener off, -1 picks a free port
 */
public record GrpcSettings(int port) {
    public static final Setting<Integer> PORT = Setting.named("QLNN_GRPC_PORT").defaultsTo("8001").flag("--grpc-port")
            .doc("port of the gRPC listener (Open Inference Protocol, grpc.health.v1); 0 turns it off, -1 picks a free one")
            .count(-1, 65535);

    public static final List<Setting<?>> SETTINGS = List.of(PORT);

    public static GrpcSettings load(PropertySource source) {
        return new GrpcSettings(PORT.read(source));
    }

    /** Whether the gRPC listener runs. */
    public boolean enabled() {
        return port != 0;
    }

    /** The port to bind: 0 (any free one) for -1. */
    public int bindPort() {
        return Math.max(port, 0);
    }
}
