package dev.quantumliquid.cli;

import dev.quantumliquid.server.store.Publishing;
import dev.quantumliquid.server.store.Store;
import dev.quantumliquid.server.store.VersionCopy;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code qlnn pull}: downloads one model version, checking every digest (and the signature under trusted keys). */
@Command(name = "pull", mixinStandardHelpOptions = true,
        description = "Download REPOSITORY/NAME/VERSION into a folder, every file checked against model.json (model.json last); "
                + "with QLNN_TRUSTED_KEYS or --trusted-keys an unsigned or badly signed version is refused.")
public final class PullCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--from", required = true, paramLabel = "REPOSITORY/NAME/VERSION", description = "e.g. s3://models/prod/demo/3")
    private String from;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "folder to write the version into")
    private Path out;

    @Option(names = "--trusted-keys", paramLabel = "DIR", description = "folder of *.pub keys (default QLNN_TRUSTED_KEYS)")
    private Path trustedKeys;

    private final Map<String, String> env;

    public PullCommand() {
        this(System.getenv());
    }

    PullCommand(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    @Override
    public Integer call() {
        Publishing.Target t = Publishing.Target.parse("--from", from);
        try (StoreAccess access = new StoreAccess(env); Store src = access.open("--from", t.repository())) {
            VersionCopy.Moved m = Publishing.pull(src, t.version(), out, access.trust(trustedKeys), access.scratch());
            spec.commandLine().getOut().println("pulled " + t.version() + " into " + out + ": " + m.files() + " file(s) written, "
                    + m.bytes() + " bytes");
        }
        return Main.EXIT_OK;
    }
}
