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

/** {@code qlnn push}: publishes a model version folder to a repository, files first and model.json last. */
@Command(name = "push", mixinStandardHelpOptions = true,
        description = "Upload a model version folder to REPOSITORY/NAME/VERSION (s3://bucket/prefix or a folder): files first, "
                + "model.json last; an existing version is refused unless --force. An interrupted push resumes.")
public final class PushCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "model version folder (model.json and its files)")
    private Path model;

    @Option(names = "--to", required = true, paramLabel = "REPOSITORY/NAME/VERSION", description = "e.g. s3://models/prod/demo/3")
    private String to;

    @Option(names = "--force", description = "replace an existing version")
    private boolean force;

    private final Map<String, String> env;

    public PushCommand() {
        this(System.getenv());
    }

    PushCommand(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    @Override
    public Integer call() {
        Publishing.Target t = Publishing.Target.parse("--to", to);
        try (StoreAccess access = new StoreAccess(env); Store dst = access.open("--to", t.repository())) {
            VersionCopy.Moved m = Publishing.push(model, dst, t.version(), force, access.scratch());
            spec.commandLine().getOut().println("pushed " + t.version() + " to " + dst.location() + ": " + m.files()
                    + " file(s) written, " + m.bytes() + " bytes");
        }
        return Main.EXIT_OK;
    }
}
