package dev.quantumliquid.cli;

import dev.quantumliquid.server.backup.Backups;
import dev.quantumliquid.server.store.Store;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code qlnn backup}: an immutable snapshot of a repository in a backup store (contents addressed by
 * SHA-256, so only what changed is uploaded); {@code backup list} and {@code backup prune}.
 */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = "Snapshot a model repository into a backup store (only files the backup lacks are uploaded); "
                + "with --keep-hourly/--keep-daily, prune afterwards.",
        subcommands = {BackupCommand.ListSnapshots.class, BackupCommand.Prune.class})
public final class BackupCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--repository", paramLabel = "REPOSITORY", description = "repository to back up (folder or s3://bucket/prefix)")
    private String repository;

    @Option(names = "--to", paramLabel = "BACKUP", description = "backup store, e.g. s3://backup/qlnn")
    private String to;

    @Option(names = "--keep-hourly", paramLabel = "N", description = "after the snapshot, keep the newest of each of the last N hours")
    private Integer keepHourly;

    @Option(names = "--keep-daily", paramLabel = "M", description = "after the snapshot, keep the newest of each of the last M days")
    private Integer keepDaily;

    private final Map<String, String> env;

    public BackupCommand() {
        this(System.getenv());
    }

    BackupCommand(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    @Override
    public Integer call() {
        if (repository == null || to == null) {
            throw new ParameterException(spec.commandLine(), "backup: needs --repository and --to (or a subcommand: list, prune)");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (StoreAccess access = new StoreAccess(env); Store src = access.open("--repository", repository);
                Store dst = access.open("--to", to)) {
            Backups backups = new Backups(dst, access.scratch());
            Backups.Result r = backups.backup(src, Clock.systemUTC());
            out.println("snapshot " + r.snapshot().time() + ": " + r.snapshot().versions().size() + " version(s), "
                    + r.snapshot().files() + " file(s); uploaded " + r.blobsUploaded() + " new file(s), " + r.bytesUploaded() + " bytes");
            for (String s : r.skipped()) {
                spec.commandLine().getErr().println("qlnn backup: left out " + s);
            }
            if (keepHourly != null || keepDaily != null) {
                printPruned(out, backups.prune(Prune.count(spec, "--keep-hourly", keepHourly), Prune.count(spec, "--keep-daily", keepDaily)));
            }
            spec.commandLine().getErr().flush();
            return r.skipped().isEmpty() ? Main.EXIT_OK : Main.EXIT_INVALID;
        }
    }

    static void printPruned(PrintWriter out, List<Instant> removed) {
        out.println("pruned " + removed.size() + " snapshot(s)" + (removed.isEmpty() ? "" : ": " + removed));
    }

    /** {@code qlnn backup list}: the snapshots, oldest first. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the snapshots of a backup store, oldest first.")
    static final class ListSnapshots implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Option(names = "--from", required = true, paramLabel = "BACKUP", description = "backup store")
        private String from;

        private final Map<String, String> env;

        ListSnapshots() {
            this(System.getenv());
        }

        ListSnapshots(Map<String, String> env) {
            this.env = Map.copyOf(env);
        }

        @Override
        public Integer call() {
            try (StoreAccess access = new StoreAccess(env); Store b = access.open("--from", from)) {
                PrintWriter out = spec.commandLine().getOut();
                for (Backups.Entry e : new Backups(b, access.scratch()).list()) {
                    out.println(e.time() + " " + e.versions() + " version(s) " + e.files() + " file(s)");
                }
            }
            return Main.EXIT_OK;
        }
    }

    /** {@code qlnn backup prune}: retention. */
    @Command(name = "prune", mixinStandardHelpOptions = true,
            description = "Keep the newest snapshot of each of the last N hours and M days (and the newest overall); remove the rest "
                    + "and the files only they named. Never run it while a backup writes to the same store.")
    static final class Prune implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Option(names = "--from", required = true, paramLabel = "BACKUP", description = "backup store")
        private String from;

        @Option(names = "--keep-hourly", paramLabel = "N", description = "hours to keep one snapshot of (default 0)")
        private Integer keepHourly;

        @Option(names = "--keep-daily", paramLabel = "M", description = "days to keep one snapshot of (default 0)")
        private Integer keepDaily;

        private final Map<String, String> env;

        Prune() {
            this(System.getenv());
        }

        Prune(Map<String, String> env) {
            this.env = Map.copyOf(env);
        }

        static int count(CommandSpec spec, String flag, Integer v) {
            if (v == null) {
                return 0;
            }
            if (v < 0 || v > 100_000) {
                throw new ParameterException(spec.commandLine(), flag + ": must be in [0, 100000], got " + v);
            }
            return v;
        }

        @Override
        public Integer call() {
            int h = count(spec, "--keep-hourly", keepHourly);
            int d = count(spec, "--keep-daily", keepDaily);
            try (StoreAccess access = new StoreAccess(env); Store b = access.open("--from", from)) {
                printPruned(spec.commandLine().getOut(), new Backups(b, access.scratch()).prune(h, d));
            }
            return Main.EXIT_OK;
        }
    }
}
