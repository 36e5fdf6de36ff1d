package dev.quantumliquid.server.store;

import dev.quantumliquid.engine.model.ModelFiles;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** SHA-256 in lower-case hex, the digest model.json pins files with and backups address content by. */
public final class Digests {
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

    private Digests() {
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    public static String sha256(Path file) {
        try {
            return ModelFiles.sha256(file);
        } catch (NoSuchFileException e) {
            throw new StoreException(file + ": missing");
        }
    }

    public static boolean isSha256(String s) {
        return HEX.matcher(s).matches();
    }
}
