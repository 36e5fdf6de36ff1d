package dev.quantumliquid.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** deploy/Dockerfile.production and .dockerignore, checked statically (no Docker engine here). */
class DockerfileTest {
    record Instruction(String keyword, String args) {}

    /** Instructions with continuation lines joined and comments dropped. */
    static List<Instruction> instructions() {
        List<Instruction> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Tools.readString(Tools.deploy().resolve("Dockerfile.production")).lines().toList()) {
            String l = line.strip();
            if (l.startsWith("#") || (l.isEmpty() && current.isEmpty())) {
                continue;
            }
            if (l.endsWith("\\")) {
                current.append(l, 0, l.length() - 1).append(' ');
                continue;
            }
            current.append(l);
            String text = current.toString().strip();
            current.setLength(0);
            if (!text.isEmpty()) {
                int space = text.indexOf(' ');
                out.add(new Instruction(text.substring(0, space).toUpperCase(), text.substring(space + 1).strip()));
            }
        }
        return out;
    }

    static List<String> all(String keyword) {
        return instructions().stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::args).toList();
    }

    static List<String> entrypoint() throws Exception {
        List<String> e = all("ENTRYPOINT");
        assertThat(e).hasSize(1);
        assertThat(e.getFirst()).as("exec form").startsWith("[");
        return List.of(new ObjectMapper().readValue(e.getFirst(), String[].class));
    }

    @Test
    void baseImagesArePinnedByDigestAndMultiStage() {
        List<String> froms = all("FROM");
        assertThat(froms).hasSizeGreaterThanOrEqualTo(2);
        assertThat(froms).allSatisfy(f -> assertThat(f.split(" ")[0]).matches("[\\w./-]+:[\\w.-]+@sha256:[0-9a-f]{64}")
                .doesNotContain(":latest"));
        assertThat(froms.getFirst()).startsWith("maven:3.9-eclipse-temurin-21@").endsWith(" AS build");
        assertThat(froms.getLast()).startsWith("eclipse-temurin:21-jre@");
        assertThat(Tools.readString(Tools.deploy().resolve("Dockerfile.production"))).doesNotContain(":latest");
    }

    @Test
    void runsAsNumericNonRootUserAndExposesTheServerPort() {
        List<String> users = all("USER");
        assertThat(users).isNotEmpty();
        assertThat(users.getLast()).matches("\\d+(:\\d+)?");
        assertThat(Long.parseLong(users.getLast().split(":")[0])).isEqualTo(10001L);
        assertThat(all("EXPOSE")).containsExactly(Server.PORT + " " + Server.GRPC_PORT);
        assertThat(all("ENV")).anySatisfy(e -> assertThat(e).contains("QLNN_PORT=" + Server.PORT));
        assertThat(all("ENV")).noneSatisfy(e -> assertThat(e).containsPattern("(?i)(password|secret|api_key)="));
        assertThat(all("ADD")).isEmpty();
    }

    @Test
    void entrypointRunsTheJarLikeTheReadmeWithContainerFlags() throws Exception {
        List<String> argv = entrypoint();
        assertThat(argv.getFirst()).endsWith("/java");
        assertThat(argv).contains("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError")
                .anyMatch(a -> a.matches("-XX:\\+Use\\w+GC"));
        assertThat(argv).containsSubsequence("--add-modules", "jdk.incubator.vector", "-jar", Server.JAR_IN_IMAGE, "serve");
        assertThat(argv.getLast()).isEqualTo("serve");
    }

    @Test
    void pathsMatchTheBuildAndTheManifests() {
        assertThat(all("RUN")).anySatisfy(r -> assertThat(r).contains("./mvnw").contains("-pl cli -am package"));
        assertThat(Tools.readString(Tools.repo().resolve("cli/pom.xml"))).contains("<finalName>qlnn</finalName>");
        assertThat(all("COPY")).anySatisfy(c -> assertThat(c).startsWith("--from=build")
                .contains("/src/cli/target/qlnn.jar").endsWith(" " + Server.JAR_IN_IMAGE));
        assertThat(all("WORKDIR").getFirst()).isEqualTo("/src");
        assertThat(all("COPY")).anySatisfy(c -> assertThat(c).endsWith("models/ " + Server.MODELS_IN_IMAGE + "/"));
        assertThat(all("ENV")).anySatisfy(e -> assertThat(e).contains("QLNN_MODEL_REPOSITORY=" + Server.MODELS_IN_IMAGE));
    }

    @Test
    void bundledModelRepositoryExists() {
        Path models = Tools.repo().resolve("models");
        assertThat(models).isDirectoryContaining(p -> Files.isDirectory(p));
    }

    @Test
    void dockerignoreKeepsWhatTheBuildNeedsAndDropsTheRest() {
        List<String> ignore = Tools.readString(Tools.repo().resolve(".dockerignore")).lines()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertThat(ignore).contains(".git", "**/target");
        Set<String> needed = Set.of("mvnw", ".mvn", "pom.xml", "models", "cli", "engine", "server", "bench", "deploy-tests",
                "*/pom.xml", "**/pom.xml", "*.xml", "**/src");
        assertThat(ignore).doesNotContainAnyElementsOf(needed);
    }
}
