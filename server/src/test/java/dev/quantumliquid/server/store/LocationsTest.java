package dev.quantumliquid.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quantumliquid.server.app.ServerConfig;
import dev.quantumliquid.server.error.ServerException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Repository locations, S3 settings and their one-line refusals. */
class LocationsTest {
    @Test
    void pathStyleIsAutomaticForAddressesAndLocalhostAndCanBeForced() {
        assertThat(S3Settings.fromEnvironment(Map.of()).endpoint()).isEmpty();
        assertThat(S3Settings.fromEnvironment(Map.of()).pathStyle()).isFalse();
        assertThat(S3Settings.fromEnvironment(Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:9000")))
                .isEqualTo(new S3Settings(Optional.of(URI.create("http://127.0.0.1:9000")), true));
        assertThat(S3Settings.fromEnvironment(Map.of(S3Settings.ENDPOINT, "http://localhost:9000")).pathStyle()).isTrue();
        assertThat(S3Settings.fromEnvironment(Map.of(S3Settings.ENDPOINT, "http://[::1]:9000")).pathStyle()).isTrue();
        assertThat(S3Settings.fromEnvironment(Map.of(S3Settings.ENDPOINT, "https://minio.example.com")).pathStyle()).isFalse();
        assertThat(S3Settings.fromEnvironment(Map.of(S3Settings.ENDPOINT, "https://minio.example.com", S3Settings.PATH_STYLE, "true"))
                .pathStyle()).isTrue();
        assertThat(S3Settings.fromEnvironment(Map.of(S3Settings.ENDPOINT, "https://s3.example.com", "AWS_ENDPOINT_URL", "http://other"))
                .endpoint()).hasValue(URI.create("https://s3.example.com"));
        assertThatThrownBy(() -> S3Settings.fromEnvironment(Map.of(S3Settings.PATH_STYLE, "yes")))
                .hasMessage("QLNN_S3_PATH_STYLE: must be one of true, false, auto, got 'yes'");
        assertThatThrownBy(() -> S3Settings.fromEnvironment(Map.of(S3Settings.ENDPOINT, "ftp://x")))
                .hasMessage("QLNN_S3_ENDPOINT: must be an http:// or https:// URL with a host, got 'ftp://x'");
    }

    @Test
    void theServerServesTheCacheOfABucketAndRefusesBadSettingsAsConfigurationErrors(@org.junit.jupiter.api.io.TempDir Path tmp) {
        ServerConfig c = ServerConfig.fromEnvironment(Map.of("QLNN_MODEL_REPOSITORY", "s3://models/prod", "QLNN_MODEL_CACHE", tmp.toString()));
        assertThat(c.store().bucket()).hasValue("s3://models/prod");
        assertThat(c.repository().folder()).isEqualTo(tmp.resolve("models"));
        assertThat(ServerConfig.fromEnvironment(c.asEnvironment())).isEqualTo(c);
        ServerConfig file = ServerConfig.fromEnvironment(Map.of("QLNN_MODEL_REPOSITORY", tmp.toUri().toString()));
        assertThat(file.store().bucket()).isEmpty();
        assertThat(file.repository().folder()).isEqualTo(tmp);
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("QLNN_MODEL_REPOSITORY", "gs://bucket/x")))
                .isInstanceOfSatisfying(ServerException.class, e -> assertThat(e.kind()).isEqualTo(ServerException.Kind.CONFIG))
                .hasMessageContaining("QLNN_MODEL_REPOSITORY: must be a folder, file:///folder or s3://bucket/prefix");
        assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of(S3Settings.PATH_STYLE, "maybe")))
                .isInstanceOfSatisfying(ServerException.class, e -> assertThat(e.kind()).isEqualTo(ServerException.Kind.CONFIG));
    }

    @Test
    void versionLocationsEndInNameAndVersion() {
        assertThat(Publishing.Target.parse("--to", "s3://b/prefix/demo/3"))
                .isEqualTo(new Publishing.Target("s3://b/prefix", new VersionRef("demo", 3)));
        assertThat(Publishing.Target.parse("--to", "s3://b/demo/3/")).isEqualTo(new Publishing.Target("s3://b", new VersionRef("demo", 3)));
        assertThat(Publishing.Target.parse("--to", "/srv/models/demo/12").repository()).isEqualTo("/srv/models");
        assertThatThrownBy(() -> Publishing.Target.parse("--to", "s3://demo/3")).hasMessageStartingWith("--to: no repository");
        assertThatThrownBy(() -> Publishing.Target.parse("--to", "s3://b/demo/latest")).hasMessageStartingWith("--to: must end in /NAME/VERSION");
        assertThatThrownBy(() -> Stores.open("--to", "s3://Bad_Bucket/x", S3Settings.fromEnvironment(Map.of())))
                .hasMessageContaining("not a bucket name");
        assertThatThrownBy(() -> Stores.open("--to", "s3://bucket/a/../b", S3Settings.fromEnvironment(Map.of())))
                .hasMessageContaining("prefix 'a/../b'");
    }
}
