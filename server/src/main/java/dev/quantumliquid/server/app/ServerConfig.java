package dev.quantumliquid.server.app;

import dev.quantumliquid.server.config.PropertySource;
import dev.quantumliquid.server.config.Setting;
import dev.quantumliquid.server.config.Settings;
import dev.quantumliquid.server.grpc.GrpcSettings;
import dev.quantumliquid.server.http.HttpSettings;
import dev.quantumliquid.server.inference.InferenceSettings;
import dev.quantumliquid.server.repository.RepositorySettings;
import dev.quantumliquid.server.security.SecuritySettings;
import dev.quantumliquid.server.state.SessionSettings;
import dev.quantumliquid.server.store.StoreSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every setting of the server, read once from the environment (with command-line flags laid over
 * it) into one record per concern; each component's constructor takes its own. An invalid value
 * stops start-up with one line naming the variable, what it must be and the value given.
 *
 * @param environment every setting as understood, written back as variables (reading them again gives an equal configuration)
 */
public record ServerConfig(HttpSettings http, GrpcSettings grpc, StoreSettings store, RepositorySettings repository,
        InferenceSettings inference, SessionSettings sessions, SecuritySettings security, ObservabilitySettings observability,
        Map<String, String> environment) {

    public ServerConfig {
        environment = Map.copyOf(environment);
    }

    /** Every setting, by concern, in the order of the README's table. */
    public static final List<Setting<?>> SETTINGS = Settings.concat(HttpSettings.SETTINGS, GrpcSettings.SETTINGS,
            StoreSettings.SETTINGS, RepositorySettings.SETTINGS, InferenceSettings.SETTINGS, SessionSettings.SETTINGS,
            SecuritySettings.SETTINGS, ObservabilitySettings.SETTINGS);

    /** Reads every setting from {@code source}; variables that are not settings are ignored. */
    public static ServerConfig load(PropertySource source) {
        StoreSettings store = StoreSettings.load(source);
        return new ServerConfig(HttpSettings.load(source), GrpcSettings.load(source), store,
                RepositorySettings.load(source, store.servedFolder()), InferenceSettings.load(source),
                SessionSettings.load(source), SecuritySettings.load(source), ObservabilitySettings.load(source),
                Settings.effective(SETTINGS, source));
    }

    /** Reads every setting from environment variables (typically {@code System.getenv()} with flags laid over it). */
    public static ServerConfig fromEnvironment(Map<String, String> env) {
        return load(PropertySource.of(env));
    }

    /** The defaults: what an empty environment gives. */
    public static ServerConfig defaults() {
        return fromEnvironment(Map.of());
    }

    /** A copy with some variables replaced (as flags would), validated the same way. */
    public ServerConfig with(Map<String, String> overrides) {
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.putAll(overrides);
        return fromEnvironment(env);
    }

    /** This configuration written back as variables. */
    public Map<String, String> asEnvironment() {
        return environment;
    }

    /** The settings as they may be logged at start-up: secrets and credentials in URLs redacted. */
    public Map<String, String> echo() {
        return Settings.echo(SETTINGS, environment);
    }
}
