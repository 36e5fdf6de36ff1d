package dev.quantumliquid.deploy;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** External tools (kubectl, promtool, yamllint, shellcheck, prometheus) and where the repository is. */
final class Tools {
    static final String INSTALL_HINT =
            "apt-get install -y prometheus yamllint shellcheck haproxy (kubectl >= 1.30 with kustomize)";

    private Tools() {}

    /** The repository root: surefire runs in deploy-tests/, a plain IDE run may start at the root. */
    static Path repo() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("deploy/k8s")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("no deploy/k8s above " + dir);
    }

    static Path deploy() {
        return repo().resolve("deploy");
    }

    /**
     * The path of a tool on PATH. Missing: under CI=true the test fails naming the tool; elsewhere it
     * is skipped with the same message, so a developer without the tools still gets a green build.
     */
    static Path require(String tool) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, tool);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        String message = "required tool '" + tool + "' is not on PATH; install it: " + INSTALL_HINT;
        if ("true".equals(System.getenv("CI"))) {
            fail(message);
        }
        Assumptions.abort(message);
        throw new AssertionError("unreachable");
    }

    record Result(int exit, String out, String err) {
        String both() {
            return out + err;
        }
    }

    /** Runs a command to completion (killing it after the timeout), capturing both streams. */
    static Result run(List<String> command, Path dir, Map<String, String> env, long timeoutSeconds) {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("timed out after " + timeoutSeconds + " s: " + String.join(" ", command));
            }
            return new Result(p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Result run(List<String> command, Path dir) {
        return run(command, dir, Map.of(), 120);
    }

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String readString(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
