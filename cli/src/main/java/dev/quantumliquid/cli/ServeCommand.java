package dev.quantumliquid.cli;

import dev.quantumliquid.server.app.ObservabilitySettings;
import dev.quantumliquid.server.app.ServerConfig;
import dev.quantumliquid.server.config.Setting;
import dev.quantumliquid.server.grpc.GrpcSettings;
import dev.quantumliquid.server.http.HttpSettings;
import dev.quantumliquid.server.repository.RepositorySettings;
import dev.quantumliquid.server.store.StoreSettings;
import dev.quantumliquid.server.app.QlnnServer;
import dev.quantumliquid.server.error.ServerException;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code qlnn serve}: runs the inference service until stopped (SIGTERM/SIGINT drain, then stop).
 * Settings come from the environment (the README's settings table lists them); flags override it.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a model repository over HTTP (Open Inference Protocol v2, /inference, /health, /ready, /metrics) and gRPC (Open Inference Protocol, grpc.health.v1).")
public final class ServeCommand implements Callable<Integer> {
    /** Exit status for a setting the server refuses (same as every other user error of qlnn). */
    static final int USER_ERROR = 2;

    @Spec
    private CommandSpec spec;

    @Option(names = "--model-repository", paramLabel = "DIR|s3://BUCKET/PREFIX",
            description = "model repository: a folder, file:///folder or s3://bucket/prefix (QLNN_MODEL_REPOSITORY, default models)")
    private String repository;

    @Option(names = "--port", paramLabel = "N", description = "port (QLNN_PORT, default 8080; 0 picks a free one)")
    private String port;

    @Option(names = "--grpc-port", paramLabel = "N", description = "gRPC port (QLNN_GRPC_PORT, default 8001; 0 turns gRPC off)")
    private String grpcPort;

    @Option(names = "--host", paramLabel = "ADDR", description = "address to listen on (QLNN_HOST, default 0.0.0.0)")
    private String host;

    @Option(names = "--poll-interval", paramLabel = "SECONDS", description = "repository scan interval (QLNN_POLL_INTERVAL_S, default 5, 0 disables)")
    private String pollInterval;

    @Option(names = "--log-level", paramLabel = "LEVEL", description = "LOG_LEVEL (default INFO)")
    private String logLevel;

    private final Map<String, String> environment;

    public ServeCommand() {
        this(System.getenv());
    }

    ServeCommand(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        Map<String, String> settings = new HashMap<>(environment);
        Map<String, String> flags = new HashMap<>(); // variable -> the flag that set it
        put(settings, flags, StoreSettings.REPOSITORY, repository);
        put(settings, flags, HttpSettings.PORT, port);
        put(settings, flags, GrpcSettings.PORT, grpcPort);
        put(settings, flags, HttpSettings.HOST, host);
        put(settings, flags, RepositorySettings.POLL_INTERVAL, pollInterval);
        put(settings, flags, ObservabilitySettings.LOG_LEVEL, logLevel);
        QlnnServer server;
        try {
            server = QlnnServer.start(ServerConfig.fromEnvironment(settings));
        } catch (ServerException e) {
            if (e.kind() != ServerException.Kind.CONFIG) {
                throw e;
            }
            err.println("qlnn serve: " + namingTheFlag(e.getMessage(), flags));
            err.flush();
            return USER_ERROR;
        }
        server.serveUntilSignalled(); // SIGTERM/SIGINT: drain, stop, then exit 0
        return 0;
    }

    /** A flag given on the command line overrides its setting's variable. */
    private static void put(Map<String, String> m, Map<String, String> flags, Setting<?> setting, String value) {
        if (value != null) {
            m.put(setting.name(), value);
            flags.put(setting.name(), setting.flag().orElseThrow());
        }
    }

    /** A settings error about a variable the user set with a flag names the flag first ("--port (QLNN_PORT): ..."). */
    static String namingTheFlag(String message, Map<String, String> flags) {
        for (Map.Entry<String, String> f : flags.entrySet()) {
            if (message.startsWith(f.getKey() + ":") || message.startsWith(f.getKey() + " ")) {
                return f.getValue() + " (" + f.getKey() + ")" + message.substring(f.getKey().length());
            }
        }
        return message;
    }
}
