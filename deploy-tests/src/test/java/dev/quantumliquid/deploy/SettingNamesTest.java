package dev.quantumliquid.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every {@code QLNN_*} variable named anywhere under deploy/ (manifests, Dockerfile, scripts) is a
 * setting the server reads, or one of the deployment scripts' own variables: a misspelt or removed
 * setting fails here instead of being silently ignored by the server.
 */
class SettingNamesTest {
    /** Variables of the deployment scripts themselves (the load balancer's addresses, the smoke test's key). */
    private static final Pattern SCRIPT_VARIABLES = Pattern.compile("QLNN_LB_BIND|QLNN_REPLICA_[0-9]*|QLNN_SMOKE_API_KEY");
    private static final Pattern NAME = Pattern.compile("\\bQLNN_[A-Z0-9_]*");

    @Test
    void everyVariableTheDeploymentNamesIsAServerSetting() throws IOException {
        Set<String> unknown = new TreeSet<>();
        Set<String> seen = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("../deploy"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Matcher m = NAME.matcher(Files.readString(f));
                while (m.find()) {
                    String name = m.group();
                    seen.add(name);
                    if (!Server.ENV.contains(name) && !SCRIPT_VARIABLES.matcher(name).matches()) {
                        unknown.add(f + ": " + name);
                    }
                }
            }
        }
        assertThat(seen).as("deploy/ names server settings").contains("QLNN_MODEL_REPOSITORY", "QLNN_DRAIN_S");
        assertThat(unknown).as("variables under deploy/ that the server does not read").isEmpty();
    }
}
