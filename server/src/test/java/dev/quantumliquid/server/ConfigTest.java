package dev.quantumliquid.server;

import dev.quantumliquid.server.app.ServerConfig;
import dev.quantumliquid.server.config.Setting;
import dev.quantumliquid.server.error.ServerException;
import dev.quantumliquid.server.repository.EnergyPolicy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigTest {
    @Test
    void defaultsAreTheDocumentedOnes() {
        ServerConfig c = ServerConfig.defaults();
        assertThat(c.inference().coherenceThreshold()).isEqualTo(0.6);
        assertThat(c.repository().liquidSparsity()).isEqualTo(0.4);
        assertThat(c.repository().energy().budgetMicrowatts()).isEqualTo(50.0);
        assertThat(c.repository().energy().policy()).isEqualTo(EnergyPolicy.ENFORCE);
        assertThat(c.observability().logLevel()).isEqualTo("INFO");
        assertThat(c.observability().enableMetrics()).isTrue();
        assertThat(c.http().port()).isEqualTo(8080);
        assertThat(c.repository().folder()).isEqualTo(Path.of("models"));
        assertThat(c.inference().cacheSize()).isEqualTo(1000);
        assertThat(c.inference().maxBatch()).isEqualTo(32);
        assertThat(c.sessions().stateKeyFile()).isEmpty();
        assertThat(c.repository().pollInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.security().apiKeysFile()).isEmpty();
        assertThat(c.security().metricsAuth()).isEmpty();
        assertThat(c.security().adminAllowCidrs()).extracting(Object::toString).containsExactly("127.0.0.0/8", "0:0:0:0:0:0:0:1/128");
        assertThat(c.security().tls().cert()).isEmpty();
        assertThat(c.inference().inputAbsMax()).isEqualTo(10.0);
        assertThat(c.inference().maxQueue()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.security().rateLimitRps()).isZero();
        assertThat(c.observability().auditLog()).isTrue();
    }

    @Test
    void newSettingsRoundTripAndCrossChecksNameTheVariable() {
        ServerConfig c = ServerConfig.fromEnvironment(Map.of("QLNN_API_KEYS_FILE", "/keys", "QLNN_METRICS_AUTH", "admin",
                "QLNN_ADMIN_ALLOW_CIDRS", "10.0.0.0/8,fd00::/8", "QLNN_TLS_CERT", "/c", "QLNN_TLS_KEY", "/k",
                "QLNN_TLS_CLIENT_CA", "/ca", "QLNN_RATE_LIMIT_RPS", "2.5", "QLNN_AUDIT_LOG", "off"));
        assertThat(ServerConfig.fromEnvironment(c.asEnvironment())).isEqualTo(c);
        assertThat(c.echo()).doesNotContainValue("<redacted>").containsEntry("QLNN_API_KEYS_FILE", "/keys");
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("QLNN_TLS_KEY", "/k"))).hasMessageStartingWith("QLNN_TLS_CERT");
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("QLNN_METRICS_AUTH", "infer")))
                .hasMessageStartingWith("QLNN_METRICS_AUTH").hasMessageContaining("QLNN_API_KEYS_FILE");
    }

    @Test
    void valuesAreReadAndOverridesWinAndRoundTrip() {
        ServerConfig c = ServerConfig.fromEnvironment(Map.of("QUANTUM_COHERENCE_THRESHOLD", "0.75", "QLNN_ENERGY_POLICY", "WARN",
                "ENABLE_METRICS", "false", "LOG_LEVEL", "debug", "QLNN_POLL_INTERVAL_S", "0.5", "QLNN_STATE_KEY_FILE", "/k"));
        assertThat(c.inference().coherenceThreshold()).isEqualTo(0.75);
        assertThat(c.repository().energy().policy()).isEqualTo(EnergyPolicy.WARN);
        assertThat(c.observability().enableMetrics()).isFalse();
        assertThat(c.observability().logLevel()).isEqualTo("DEBUG");
        assertThat(c.repository().pollInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.sessions().stateKeyFile()).contains(Path.of("/k"));
        assertThat(c.with(Map.of("QLNN_PORT", "9000")).http().port()).isEqualTo(9000);
        assertThat(ServerConfig.fromEnvironment(c.asEnvironment())).isEqualTo(c);
    }

    @ParameterizedTest
    @CsvSource({
        "QUANTUM_COHERENCE_THRESHOLD, 1.5",
        "QUANTUM_COHERENCE_THRESHOLD, abc",
        "LIQUID_SPARSITY, -0.1",
        "ENERGY_BUDGET_UW, 0",
        "ENERGY_BUDGET_UW, NaN",
        "QLNN_ENERGY_POLICY, maybe",
        "LOG_LEVEL, LOUD",
        "ENABLE_METRICS, yes",
        "QLNN_PORT, 65536",
        "QLNN_CACHE_SIZE, -1",
        "QLNN_MAX_BATCH, 0",
        "QLNN_MAX_INFLIGHT, 1.5",
        "QLNN_SESSION_IDLE_S, 0",
        "QLNN_MAX_BODY_BYTES, 10",
        "QLNN_HOST, 'a b'",
        "QLNN_ADMIN_ALLOW_CIDRS, 10.0.0.0/33",
        "QLNN_ADMIN_ALLOW_CIDRS, localhost",
        "QLNN_METRICS_AUTH, root",
        "QLNN_MAX_HEADER_BYTES, 100",
        "QLNN_MAX_JSON_DEPTH, 1",
        "QLNN_MAX_JSON_TOKENS, 0",
        "QLNN_INPUT_ABS_MAX, 0",
        "QLNN_INPUT_ABS_MAX, Infinity",
        "QLNN_MAX_QUEUE_MS, 0",
        "QLNN_RATE_LIMIT_RPS, -1",
        "QLNN_SECRETS_POLL_S, 0",
        "QLNN_AUDIT_LOG, file"
    })
    void anInvalidValueIsRefusedInOneLineNamingTheVariable(String variable, String value) {
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of(variable, value)))
                .isInstanceOfSatisfying(ServerException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ServerException.Kind.CONFIG);
                    assertThat(e.getMessage()).startsWith(variable + ": must be").contains("'" + value + "'").doesNotContain("\n");
                });
    }

    @Test
    void everySettingIsDocumented() {
        assertThat(ServerConfig.SETTINGS).extracting(Setting::name)
                .containsExactlyInAnyOrderElementsOf(ServerConfig.defaults().asEnvironment().keySet())
                .contains("QLNN_STATE_KEY_FILE");
    }
}
