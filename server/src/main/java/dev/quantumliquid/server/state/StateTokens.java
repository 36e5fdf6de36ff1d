package dev.quantumliquid.server.state;

import dev.quantumliquid.server.error.ServerException;
import dev.quantumliquid.server.error.ServerException.Kind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stateless continuation tokens: a {@link SequenceState} encoded as base64url (no padding) of
 * {@code "QLS" 2 | u16 model length | model UTF-8 | i64 version | 32 bytes content digest | i64 steps | i32 n |
 * n x f32 (big-endian)} followed by its HMAC-SHA256. Any replica holding the same key and serving the same
 * content continues the sequence; a token that does not verify or does not parse is a 400 naming the
 * field {@code state}.
 */
public final class StateTokens {
    private static final Logger LOG = LoggerFactory.getLogger(StateTokens.class);
    private static final String ALGORITHM = "HmacSHA256";
    private static final byte[] MAGIC = {'Q', 'L', 'S', 2};
    private static final int DIGEST_BYTES = 32;
    private static final int MAC_BYTES = 32;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    /** Shortest key accepted from QLNN_STATE_KEY_FILE (the HMAC-SHA256 block strength). */
    public static final int MIN_KEY_BYTES = 32;

    private final SecretKeySpec key;
    /** Initialised with the key and never updated: each token clones it, skipping the provider look-up and key set-up. */
    private final Mac keyed;

    public StateTokens(byte[] key) {
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("state key must have at least " + MIN_KEY_BYTES + " bytes");
        }
        this.key = new SecretKeySpec(key.clone(), ALGORITHM);
        this.keyed = newMac();
    }

    /**
     * The key from QLNN_STATE_KEY_FILE, or a random per-process key with a warning: then tokens
     * survive neither a restart nor another replica. A text key (printable ASCII, e.g. base64) has
     * one trailing newline ignored; a binary key is used byte for byte (32 random bytes end in a
     * newline one time in 256, and stripping it would shorten the key).
     */
    public static StateTokens fromKeyFile(Optional<Path> file) {
        if (file.isEmpty()) {
            LOG.warn("QLNN_STATE_KEY_FILE is not set: state tokens are signed with a random per-process key, so they "
                    + "do not survive a restart and other replicas refuse them");
            byte[] k = new byte[MIN_KEY_BYTES];
            new SecureRandom().nextBytes(k);
            return new StateTokens(k);
        }
        Path p = file.get();
        byte[] k;
        try {
            k = Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            throw new ServerException(Kind.CONFIG, "QLNN_STATE_KEY_FILE: '" + p + "' does not exist");
        } catch (IOException e) {
            throw new ServerException(Kind.CONFIG, "QLNN_STATE_KEY_FILE: cannot read '" + p + "' (" + e.getMessage() + ")");
        }
        int n = k.length;
        if (n > 0 && k[n - 1] == '\n' && printable(k, n - 1)) {
            n--;
            if (n > 0 && k[n - 1] == '\r') {
                n--;
            }
        }
        if (n < MIN_KEY_BYTES) {
            throw new ServerException(Kind.CONFIG, "QLNN_STATE_KEY_FILE: '" + p + "' holds " + n + " bytes, need at least "
                    + MIN_KEY_BYTES + " (e.g. head -c 48 /dev/urandom | base64 > key)");
        }
        byte[] used = new byte[n];
        System.arraycopy(k, 0, used, 0, n);
        return new StateTokens(used);
    }

    /** Whether the first {@code n} bytes are printable ASCII (a CR may end them). */
    private static boolean printable(byte[] k, int n) {
        for (int i = 0; i < n; i++) {
            if ((k[i] < 0x20 || k[i] > 0x7e) && !(i == n - 1 && k[i] == '\r')) {
                return false;
            }
        }
        return true;
    }

    public String encode(SequenceState s) {
        byte[] name = s.model().getBytes(StandardCharsets.UTF_8);
        float[] st = s.state();
        byte[] digest = HexFormat.of().parseHex(s.digest());
        if (digest.length != DIGEST_BYTES) {
            throw new IllegalArgumentException("a content digest has " + DIGEST_BYTES + " bytes, got " + digest.length);
        }
        ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 2 + name.length + 8 + DIGEST_BYTES + 8 + 4 + 4 * st.length + MAC_BYTES);
        b.put(MAGIC).putShort((short) name.length).put(name).putLong(s.version()).put(digest).putLong(s.steps())
                .putInt(st.length);
        for (float f : st) {
            b.putFloat(f);
        }
        int payload = b.position();
        b.put(mac(b.array(), payload));
        return ENCODER.encodeToString(b.array());
    }

    /** Verifies and decodes a token; 400 for anything that is not a token this key signed. */
    public SequenceState decode(String token) {
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            throw bad("not a state token (base64url expected)");
        }
        int min = MAGIC.length + 2 + 8 + DIGEST_BYTES + 8 + 4;
        if (raw.length < min + MAC_BYTES) {
            throw bad("not a state token (too short)");
        }
        int payload = raw.length - MAC_BYTES;
        byte[] want = mac(raw, payload);
        byte[] got = new byte[MAC_BYTES];
        System.arraycopy(raw, payload, got, 0, MAC_BYTES);
        if (!MessageDigest.isEqual(want, got)) {
            throw bad("signature does not verify (the token was altered, or signed with another QLNN_STATE_KEY_FILE)");
        }
        ByteBuffer b = ByteBuffer.wrap(raw, 0, payload);
        for (byte m : MAGIC) {
            if (b.get() != m) {
                throw bad("unsupported token format");
            }
        }
        int nameLen = Short.toUnsignedInt(b.getShort());
        if (nameLen > b.remaining() - 20 - DIGEST_BYTES) {
            throw bad("malformed token");
        }
        byte[] name = new byte[nameLen];
        b.get(name);
        long version = b.getLong();
        byte[] digest = new byte[DIGEST_BYTES];
        b.get(digest);
        long steps = b.getLong();
        int n = b.getInt();
        if (n < 0 || (long) n * 4 != b.remaining()) {
            throw bad("malformed token");
        }
        float[] st = new float[n];
        for (int i = 0; i < n; i++) {
            st[i] = b.getFloat();
        }
        return new SequenceState(new String(name, StandardCharsets.UTF_8), version, HexFormat.of().formatHex(digest), steps, st);
    }

    private byte[] mac(byte[] data, int len) {
        Mac m;
        try {
            m = (Mac) keyed.clone();
        } catch (CloneNotSupportedException e) { // a provider whose Mac cannot be cloned: set one up afresh
            m = newMac();
        }
        m.update(data, 0, len);
        return m.doFinal();
    }

    private Mac newMac() {
        try {
            Mac m = Mac.getInstance(ALGORITHM);
            m.init(key);
            return m;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is required of every JVM", e);
        }
    }

    private static ServerException bad(String why) {
        return ServerException.badRequest("state: " + why);
    }
}
