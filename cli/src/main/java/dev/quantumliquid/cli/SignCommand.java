package dev.quantumliquid.cli;

import dev.quantumliquid.server.signing.ModelSignatures;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code qlnn sign}: writes signature.json (Ed25519 over model.json's bytes) into a model version folder. */
@Command(name = "sign", mixinStandardHelpOptions = true,
        description = "Sign a model version folder: writes signature.json (Ed25519 over model.json, which pins every file by SHA-256).")
public final class SignCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "model version folder")
    private Path model;

    @Option(names = "--key", required = true, paramLabel = "FILE", description = "private key ID.key (qlnn keygen --signing)")
    private Path key;

    @Override
    public Integer call() {
        String id = ModelSignatures.sign(model, key);
        spec.commandLine().getOut().println("signed " + model.resolve("model.json") + " with key '" + id + "'");
        return Main.EXIT_OK;
    }
}
