package dev.quantumliquid.server.signing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The public keys a model must be signed by ({@code QLNN_TRUSTED_KEYS}: a folder of {@code ID.pub}
 * files). Several keys may be trusted at once, so a new key can sign new versions while versions
 * signed by the old one keep loading until it is removed (key rotation).
 */
public final class TrustedKeys {
    private final Map<String, PublicKey> keys;

    private TrustedKeys(Map<String, PublicKey> keys) {
        this.keys = Map.copyOf(keys);
    }

    /** Every {@code *.pub} in {@code folder}; a folder without any is refused (it would refuse every model). */
    public static TrustedKeys load(Path folder) {
        TreeMap<String, PublicKey> keys = new TreeMap<>();
        try (Stream<Path> s = Files.list(folder)) {
            for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".pub")).sorted().toList()) {
                keys.put(SigningKeys.idOf(p), SigningKeys.readPublic(p));
            }
        } catch (NoSuchFileException e) {
            throw new SigningException("QLNN_TRUSTED_KEYS: folder '" + folder + "' does not exist");
        } catch (IOException e) {
            throw new SigningException("QLNN_TRUSTED_KEYS: cannot list '" + folder + "' (" + e.getMessage() + ")");
        }
        if (keys.isEmpty()) {
            throw new SigningException("QLNN_TRUSTED_KEYS: folder '" + folder + "' holds no *.pub key");
        }
        return new TrustedKeys(keys);
    }

    public List<String> ids() {
        return List.copyOf(new TreeMap<>(keys).keySet());
    }

    /** Why a version is refused (missing, malformed, unknown key, bad signature), or empty when it is signed by a trusted key. */
    public Optional<String> problem(byte[] modelJson, Optional<byte[]> signatureJson) {
        if (signatureJson.isEmpty()) {
            return Optional.of("unsigned: no signature.json, and QLNN_TRUSTED_KEYS requires one");
        }
        ModelSignatures.Parsed p;
        try {
            p = ModelSignatures.Parsed.of(signatureJson.get());
        } catch (SigningException e) {
            return Optional.of(e.getMessage());
        }
        PublicKey key = keys.get(p.keyId());
        if (key == null) {
            return Optional.of("signed by key '" + abbreviate(p.keyId()) + "', which is not in QLNN_TRUSTED_KEYS " + ids());
        }
        try {
            Signature s = Signature.getInstance(SigningKeys.ALGORITHM);
            s.initVerify(key);
            s.update(modelJson);
            if (!s.verify(p.signature())) {
                return Optional.of("bad signature: model.json does not match the signature by key '" + p.keyId() + "'");
            }
            return Optional.empty();
        } catch (GeneralSecurityException e) {
            return Optional.of("bad signature by key '" + p.keyId() + "' (" + e.getMessage() + ")");
        }
    }

    /** Refuses a version folder that is not signed by a trusted key (the model loader's check). */
    public void requireSigned(Path versionDir) {
        byte[] modelJson;
        Optional<byte[]> sig;
        try {
            modelJson = Files.readAllBytes(versionDir.resolve("model.json"));
            Path s = versionDir.resolve(ModelSignatures.FILE);
            sig = Files.isRegularFile(s) ? Optional.of(Files.readAllBytes(s)) : Optional.empty();
        } catch (IOException e) {
            throw new SigningException(versionDir + ": cannot read model.json or signature.json (" + e.getMessage() + ")");
        }
        problem(modelJson, sig).ifPresent(why -> {
            throw new SigningException(why);
        });
    }

    private static String abbreviate(String s) {
        String c = s.replaceAll("\\p{Cntrl}", "?");
        return c.length() > 64 ? c.substring(0, 64) + "..." : c;
    }
}
