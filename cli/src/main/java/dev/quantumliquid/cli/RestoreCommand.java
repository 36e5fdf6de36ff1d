package dev.quantumliquid.cli;

import dev.quantumliquid.server.backup.Backups;
import dev.quantumliquid.server.store.Store;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code qlnn restore}: the repository exactly as the last snapshot at or before an instant had it. */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = "Restore a repository (folder or s3://) exactly as the last snapshot at or before --at had it: its versions "
                + "written with every digest checked, model.json last; versions not in the snapshot are removed.")
public final class RestoreCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--from", required = true, paramLabel = "BACKUP", description = "backup store")
    private String from;

    @Option(names = "--at", paramLabel = "TIME", description = "UTC instant, e.g. 2026-12-04T10:00:00Z (default: now, the newest snapshot)")
    private String at;

    @Option(names = "--to", required = true, paramLabel = "REPOSITORY", description = "folder or s3://bucket/prefix to restore into")
    private String to;

    private final Map<String, String> env;

    public RestoreCommand() {
        this(System.getenv());
    }

    RestoreCommand(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    @Override
    public Integer call() {
        Instant when;
        try {
            when = at == null ? Instant.now() : Instant.parse(at);
        } catch (DateTimeParseException e) {
            throw new ParameterException(spec.commandLine(), "--at: must be a UTC instant like 2026-12-04T10:00:00Z, got '" + at + "'");
        }
        try (StoreAccess access = new StoreAccess(env); Store b = access.open("--from", from); Store dst = access.open("--to", to)) {
            Backups.Restored r = new Backups(b, access.scratch()).restore(when, dst);
            spec.commandLine().getOut().println("restored snapshot " + r.snapshot().time() + " into " + dst.location() + ": "
                    + r.versions() + " version(s), " + r.filesCopied() + " file(s) written, " + r.deleted().size() + " version(s) removed");
        }
        return Main.EXIT_OK;
    }
}
