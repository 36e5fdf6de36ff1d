package dev.quantumliquid.cli;

import dev.quantumliquid.engine.EngineException;
import dev.quantumliquid.engine.model.ModelFiles;
import dev.quantumliquid.server.error.ServerException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code qlnn} command line: wires the subcommands and is the one place where exceptions become
 * exit codes and one-line messages.
 */
@Command(name = "qlnn", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Serves, imports, runs, inspects and benchmarks quantum-liquid neural network models.",
        subcommands = {ServeCommand.class, KeygenCommand.class, ImportNcpsCommand.class, PredictCommand.class, InspectCommand.class, ExportCCommand.class, BenchCommand.class,
                DatasetCommand.class, TrainCommand.class,
                PushCommand.class, PullCommand.class, SyncCommand.class, SignCommand.class, BackupCommand.class, RestoreCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /** Success. */
    static final int EXIT_OK = 0;
    /** An unexpected failure (a bug): one line, the stack trace with --debug or QLNN_DEBUG=1. */
    static final int EXIT_INTERNAL = 1;
    /** Refused input: bad usage, a missing or invalid file, a model or input the engine rejects. */
    static final int EXIT_INVALID = 2;

    @Spec
    CommandSpec spec;

    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "Print the stack trace of unexpected errors (also QLNN_DEBUG=1).")
    boolean debug;

    public static void main(String[] args) {
        System.exit(commandLine(System.getenv()).execute(args));
    }

    /** The configured command line; tests run it in-process with their own out/err writers. */
    static CommandLine commandLine(Map<String, String> env) {
        CommandLine cl = new CommandLine(new Main(), new EnvironmentFactory(env));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            // A misspelled flag explains whatever else went wrong (picocli would first report the
            // required option it then misses), so it is reported first, with picocli's suggestions.
            String message = unknownOption(ex.getCommandLine(), args).orElse(oneLine(ex.getMessage()));
            err.println("qlnn: " + message + " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help')");
            err.flush();
            return EXIT_INVALID;
        });
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> handle(ex, cmd.getErr(), debugWanted(parsed, env)));
        return cl;
    }

    private static int handle(Exception ex, PrintWriter err, boolean debug) {
        if (ex instanceof EngineException || ex instanceof ParameterException || ex instanceof ServerException) {
            err.println("qlnn: " + oneLine(ex.getMessage()));
            if (debug) {
                ex.printStackTrace(err);
            }
            err.flush();
            return EXIT_INVALID;
        }
        err.println("qlnn: internal error: " + oneLine(String.valueOf(ex))
                + (debug ? "" : " (run with --debug for the stack trace)"));
        if (debug) {
            ex.printStackTrace(err);
        }
        err.flush();
        return EXIT_INTERNAL;
    }

    private static boolean debugWanted(ParseResult parsed, Map<String, String> env) {
        if ("1".equals(env.get("QLNN_DEBUG")) || "true".equalsIgnoreCase(env.get("QLNN_DEBUG"))) {
            return true;
        }
        for (CommandLine c : parsed.asCommandLineList()) {
            if (c.getParseResult().hasMatchedOption("--debug")) {
                return true;
            }
        }
        return false;
    }

    /** The first argument that looks like a flag the failing command does not have, as a message. */
    static java.util.Optional<String> unknownOption(CommandLine cmd, String[] args) {
        java.util.Set<String> known = new java.util.HashSet<>();
        for (CommandLine c = cmd; c != null; c = c.getParent()) {
            c.getCommandSpec().options().forEach(o -> known.addAll(java.util.List.of(o.names())));
        }
        for (String a : args) {
            if (a.equals("--")) {
                break;
            }
            String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            if (name.startsWith("-") && name.length() > 1 && !known.contains(name) && !name.matches("-[0-9.].*")
                    && !cmd.getSubcommands().containsKey(name)) {
                List<String> near = new CommandLine.UnmatchedArgumentException(cmd, java.util.List.of(name)).getSuggestions();
                return java.util.Optional.of("unknown option '" + name + "'" + (near.isEmpty() ? "" : " (did you mean "
                        + String.join(" or ", near) + "?)"));
            }
        }
        return java.util.Optional.empty();
    }

    static String oneLine(String s) {
        return s == null ? "(no message)" : s.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command: one of serve, keygen, import-ncps, predict, inspect, export-c, bench, dataset, train, "
                + "push, pull, sync, sign, backup, restore");
    }

    /** Creates commands with the environment they read settings from (commands taking a Map get it; tests pass their own). */
    private record EnvironmentFactory(Map<String, String> env) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            try {
                var c = cls.getDeclaredConstructor(Map.class);
                c.setAccessible(true);
                return c.newInstance(env);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(cls);
            }
        }
    }

    /** Version of the build, the model format and the Java runtime. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("/qlnn-version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {
                "qlnn " + p.getProperty("version", "(unknown version)"),
                "model format " + ModelFiles.FORMAT,
                "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")",
            };
        }
    }
}
