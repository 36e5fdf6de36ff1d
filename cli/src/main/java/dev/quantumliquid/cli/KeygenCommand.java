package dev.quantumliquid.cli;

import dev.quantumliquid.server.security.ApiKeys;
import dev.quantumliquid.server.security.Role;
import dev.quantumliquid.server.signing.SigningKeys;
import java.io.PrintWriter;
import java.nio.file.Path;
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
 * file; the key goes to the client and is not stored by the server. With {@code --signing}: an
 * Ed25519 model-signing key pair {@code DIR/ID.key} (0600) and {@code DIR/ID.pub}.
 */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = {"Print a new API key (first line) and its QLNN_API_KEYS_FILE line (second line).",
            "With --signing --out DIR: write an Ed25519 model-signing key pair DIR/ID.key (mode 0600) and DIR/ID.pub."})
public final class KeygenCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--id", required = true, paramLabel = "ID", description = "key id, [A-Za-z0-9._-], at most 64 characters")
    private String id;

    @Option(names = "--role", paramLabel = "ROLE", description = "infer or admin (API keys)")
    private String role;

    @Option(names = "--signing", description = "a model-signing key pair instead of an API key")
    private boolean signing;

    @Option(names = "--out", paramLabel = "DIR", description = "folder for the signing key pair (with --signing)")
    private Path out;

    @Override
    public Integer call() {
        if (signing) {
            if (out == null || role != null) {
                throw new ParameterException(spec.commandLine(), "--signing: needs --out DIR and takes no --role");
            }
            SigningKeys.generate(id, out);
            spec.commandLine().getOut().println("wrote " + out.resolve(id + ".key") + " (private, mode 0600) and "
                    + out.resolve(id + ".pub") + " (for QLNN_TRUSTED_KEYS)");
            return Main.EXIT_OK;
        }
        if (role == null || out != null) {
            throw new ParameterException(spec.commandLine(), "--role: required for an API key (infer or admin); --out only with --signing");
        }
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
