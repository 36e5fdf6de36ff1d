package dev.quantumliquid.cli;

import dev.quantumliquid.server.store.RepositorySync;
import dev.quantumliquid.server.store.Store;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code qlnn sync}: mirrors one repository into another, once or every --watch seconds. */
@Command(name = "sync", mixinStandardHelpOptions = true,
        description = "Mirror a model repository (folder or s3://bucket/prefix) into another: complete versions only, files by "
                + "SHA-256 (unchanged ones are not copied again), model.json last; deletions only with --delete.")
public final class SyncCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--from", required = true, paramLabel = "REPOSITORY", description = "source repository")
    private String from;

    @Option(names = "--to", required = true, paramLabel = "REPOSITORY", description = "destination repository")
    private String to;

    @Option(names = "--watch", paramLabel = "SECONDS", description = "repeat every SECONDS until stopped (0.1 to 86400)")
    private Double watch;

    @Option(names = "--delete", description = "remove versions at the destination that the source no longer has")
    private boolean delete;

    @Option(names = "--trusted-keys", paramLabel = "DIR", description = "folder of *.pub keys (default QLNN_TRUSTED_KEYS): unsigned versions are not copied")
    private Path trustedKeys;

    private final Map<String, String> env;

    public SyncCommand() {
        this(System.getenv());
    }

    SyncCommand(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    @Override
    public Integer call() throws InterruptedException {
        if (watch != null && !(watch >= 0.1 && watch <= 86400)) {
            throw new ParameterException(spec.commandLine(), "--watch: must be a number of seconds in [0.1, 86400], got " + watch);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (StoreAccess access = new StoreAccess(env); Store src = access.open("--from", from); Store dst = access.open("--to", to)) {
            RepositorySync sync = new RepositorySync(access.scratch(), access.trust(trustedKeys), delete);
            if (watch == null) {
                RepositorySync.Report r = sync.run(src, dst);
                report(out, r);
                return r.refused().isEmpty() ? Main.EXIT_OK : Main.EXIT_INVALID;
            }
            Duration every = Duration.ofMillis(Math.round(watch * 1000));
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    RepositorySync.Report r = sync.run(src, dst);
                    if (r.changed() || !r.refused().isEmpty()) {
                        report(out, r);
                    }
                } catch (dev.quantumliquid.server.error.ServerException e) { // an outage: say so, keep watching
                    spec.commandLine().getErr().println("qlnn sync: " + e.getMessage() + "; retrying in " + watch + " s");
                    spec.commandLine().getErr().flush();
                }
                Thread.sleep(every);
            }
            return Main.EXIT_OK;
        }
    }

    private void report(PrintWriter out, RepositorySync.Report r) {
        for (String why : r.refused()) {
            spec.commandLine().getErr().println("qlnn sync: refused " + why);
        }
        spec.commandLine().getErr().flush();
        out.println("sync " + from + " -> " + to + ": " + r.summary());
        out.flush();
    }
}
