package dev.quantumliquid.server.security;

import dev.quantumliquid.server.error.ServerException;
import dev.quantumliquid.server.error.ServerException.Kind;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The API keys of QLNN_API_KEYS_FILE: one key per line, {@code <key-id> sha256:<64 hex digits of the
 * key's UTF-8 bytes> <role>}, {@code #} starting a comment. Only digests are held; a presented key is
 * hashed and compared with every digest in constant time.
 */
public final class ApiKeys {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-fA-F]{64}");
    /** Longest key accepted from a client (longer ones are refused before hashing). */
    static final int MAX_KEY_CHARS = 256;

    /** One line of the file: who, the SHA-256 of the key, and the role. */
    public record Entry(String id, byte[] digest, Role role) {
        public Entry {
            digest = digest.clone();
        }

        /** The file line for this key. */
        public String line() {
            return id + " sha256:" + HexFormat.of().formatHex(digest) + " " + role.label();
        }
    }

    /** A new key and its file line (what {@code qlnn keygen} prints). */
    public record Generated(String key, String line) {
    }

    private final List<Entry> entries;

    private ApiKeys(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** No key at all: every key is refused (what a keys file that cannot be loaded any more means). */
    public static ApiKeys none() {
        return new ApiKeys(List.of());
    }

    /** Reads QLNN_API_KEYS_FILE; CONFIG error naming the variable, the file and the line that is wrong. */
    public static ApiKeys load(Path file) {
        String source = "QLNN_API_KEYS_FILE: '" + file + "'";
        try {
            if (Files.size(file) > 1 << 20) {
                throw config(source + " is larger than 1 MiB");
            }
            return parse(Files.readString(file, StandardCharsets.UTF_8), source);
        } catch (NoSuchFileException e) {
            throw config(source + " does not exist");
        } catch (CharacterCodingException e) {
            throw config(source + " is not UTF-8 text");
        } catch (IOException e) {
            throw config(source + " cannot be read (" + e.getMessage() + ")");
        }
    }

    /**
     * Parses the file's text; a malformed line is a CONFIG error naming {@code source} and the line
     * number (never echoing the line, which might hold a pasted key by mistake).
     */
    public static ApiKeys parse(String text, String source) {
        List<Entry> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int hash = line.indexOf('#');
            String content = (hash < 0 ? line : line.substring(0, hash)).strip();
            if (content.isEmpty()) {
                continue;
            }
            String where = source + ": line " + (i + 1) + ": ";
            String[] f = content.split("\\s+");
            if (f.length != 3) {
                throw config(where + "expected '<key-id> sha256:<64 hex digits> <role>', got " + f.length + " field(s)");
            }
            if (!ID.matcher(f[0]).matches()) {
                throw config(where + "key id must be 1..64 characters of [A-Za-z0-9._-]");
            }
            if (!DIGEST.matcher(f[1]).matches()) {
                throw config(where + "second field must be sha256: followed by 64 hex digits (the digest, not the key)");
            }
            Role role = Role.parse(f[2]).orElseThrow(() -> config(where + "role must be infer or admin"));
            if (!ids.add(f[0])) {
                throw config(where + "key id '" + f[0] + "' appears twice");
            }
            out.add(new Entry(f[0], HexFormat.of().parseHex(f[1].substring(7)), role));
        }
        if (out.isEmpty()) {
            throw config(source + ": holds no key (every route but health and readiness would be refused)");
        }
        return new ApiKeys(out);
    }

    private static ServerException config(String message) {
        return new ServerException(Kind.CONFIG, message);
    }

    /**
     * The entry whose digest matches the presented key. Every entry is compared (no early exit) with
     * {@link MessageDigest#isEqual}, so timing tells nothing about which digest came close.
     */
    public Optional<Entry> authenticate(String presented) {
        if (presented.isEmpty() || presented.length() > MAX_KEY_CHARS) {
            return Optional.empty();
        }
        byte[] d = sha256(presented.getBytes(StandardCharsets.UTF_8));
        Entry found = null;
        for (Entry e : entries) {
            if (MessageDigest.isEqual(e.digest, d) && found == null) {
                found = e;
            }
        }
        return Optional.ofNullable(found);
    }

    public List<String> ids() {
        return entries.stream().map(Entry::id).toList();
    }

    /** A new random key (32 bytes, base64url without padding) and its file line. */
    public static Generated generate(String id, Role role, SecureRandom random) {
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("key id must be 1..64 characters of [A-Za-z0-9._-]");
        }
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        String key = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        return new Generated(key, new Entry(id, sha256(key.getBytes(StandardCharsets.UTF_8)), role).line());
    }

    static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
