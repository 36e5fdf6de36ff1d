package dev.quantumliquid.server.signing;

import dev.quantumliquid.server.repository.Names;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Ed25519 signing keys as PEM files: {@code ID.key} (PKCS#8, mode 0600) and {@code ID.pub}
 * (X.509 SubjectPublicKeyInfo). The file name without extension is the key id a signature names.
 */
public final class SigningKeys {
    static final String ALGORITHM = "Ed25519";
    private static final String PRIVATE = "PRIVATE KEY";
    private static final String PUBLIC = "PUBLIC KEY";

    private SigningKeys() {
    }

    /** Writes a new key pair {@code dir/ID.key} and {@code dir/ID.pub}; refuses to overwrite either. */
    public static void generate(String id, Path dir) {
        requireId(id);
        Path key = dir.resolve(id + ".key");
        Path pub = dir.resolve(id + ".pub");
        KeyPair pair;
        try {
            pair = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is required of every JVM since 15", e);
        }
        try {
            Files.createDirectories(dir);
            if (Files.exists(pub)) {
                throw new SigningException(pub + ": exists; a key is never overwritten (choose another --id)");
            }
            // Created 0600 before any byte is written: the private key is never readable by others.
            Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(key, pem(PRIVATE, pair.getPrivate().getEncoded()), StandardOpenOption.TRUNCATE_EXISTING);
            Files.writeString(pub, pem(PUBLIC, pair.getPublic().getEncoded()));
        } catch (FileAlreadyExistsException e) {
            throw new SigningException(key + ": exists; a key is never overwritten (choose another --id)");
        } catch (UnsupportedOperationException e) {
            throw new SigningException(dir + ": the file system cannot restrict the private key to its owner (mode 0600)");
        } catch (IOException e) {
            throw new SigningException(dir + ": cannot write the key pair (" + e.getMessage() + ")");
        }
    }

    static void requireId(String id) {
        if (!Names.isValidName(id) || id.length() > 64) {
            throw new SigningException("--id: '" + id + "' is not a key id ([A-Za-z0-9._-], at most 64 characters)");
        }
    }

    /** The key id of a key file: its name without {@code .key} or {@code .pub}. */
    static String idOf(Path file) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? n : n.substring(0, dot);
    }

    public static PrivateKey readPrivate(Path file) {
        try {
            if (Files.getPosixFilePermissions(file).stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
                throw new SigningException(file + ": private key readable by others; chmod 600 it");
            }
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system, or the read below says what is wrong
        }
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(unpem(file, PRIVATE)));
        } catch (GeneralSecurityException e) {
            throw new SigningException(file + ": not an Ed25519 private key (" + e.getMessage() + ")");
        }
    }

    public static PublicKey readPublic(Path file) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(unpem(file, PUBLIC)));
        } catch (GeneralSecurityException e) {
            throw new SigningException(file + ": not an Ed25519 public key (" + e.getMessage() + ")");
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static byte[] unpem(Path file, String type) {
        String text;
        try {
            if (Files.size(file) > 16384) {
                throw new SigningException(file + ": larger than 16384 bytes, not a PEM key");
            }
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new SigningException(file + ": missing");
        } catch (IOException e) {
            throw new SigningException(file + ": cannot read (" + e.getMessage() + ")");
        }
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int b = text.indexOf(begin);
        int e = text.indexOf(end);
        if (b < 0 || e < b) {
            throw new SigningException(file + ": no '" + begin + "' block");
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
        } catch (IllegalArgumentException x) {
            throw new SigningException(file + ": bad base64 in the PEM block");
        }
    }
}
