package dev.quantumliquid.cli;

import dev.quantumliquid.server.security.ApiKeys;
import dev.quantumliquid.server.security.Role;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code qlnn keygen}: a new API key (32 random bytes, base64url) on the first line, its
 * QLNN_API_KEYS_FILE line (id, SHA-256, role) on the second. Only the second line goes into the
 * file; the key goes to the client and is not stored by the server.
 */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = "Print a new API key (first line) and its QLNN_API_KEYS_FILE line (second line).")
public final class KeygenCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--id", required = true, paramLabel = "ID", description = "key id, [A-Za-z0-9._-], at most 64 characters")
    private String id;

    @Option(names = "--role", required = true, paramLabel = "ROLE", description = "infer or admin")
    private String role;

    @Override
    public Integer call() {
        Role r = Role.parse(role).orElseThrow(() -> new ParameterException(spec.commandLine(),
                "--role: must be infer or admin, got '" + role + "'"));
        ApiKeys.Generated g;
        try {
            g = ApiKeys.generate(id, r, new SecureRandom());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--id: " + e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(g.key());
        out.println(g.line());
        out.flush();
        return Main.EXIT_OK;
    }
}
