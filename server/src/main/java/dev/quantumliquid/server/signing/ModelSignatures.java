package dev.quantumliquid.server.signing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;

/**
 * signature.json of a version folder: an Ed25519 signature over model.json's exact bytes, which pin
 * every other file by SHA-256, so one signature covers the whole version.
 * {@code {"format": "qlnn-signature/1", "algorithm": "Ed25519", "key_id": ID, "signature": base64}}.
 */
public final class ModelSignatures {
    public static final String FORMAT = "qlnn-signature/1";
    public static final String FILE = "signature.json";
    static final ObjectMapper JSON = new ObjectMapper();

    private ModelSignatures() {
    }

    /** Signs {@code modelDir/model.json} with {@code keyFile} and writes {@code modelDir/signature.json}; returns the key id. */
    public static String sign(Path modelDir, Path keyFile) {
        PrivateKey key = SigningKeys.readPrivate(keyFile);
        String id = SigningKeys.idOf(keyFile);
        SigningKeys.requireId(id);
        byte[] modelJson;
        try {
            modelJson = Files.readAllBytes(modelDir.resolve("model.json"));
        } catch (NoSuchFileException e) {
            throw new SigningException(modelDir.resolve("model.json") + ": missing (sign a model version folder)");
        } catch (IOException e) {
            throw new SigningException(modelDir + ": cannot read model.json (" + e.getMessage() + ")");
        }
        try {
            Files.write(modelDir.resolve(FILE), signatureJson(id, key, modelJson));
        } catch (IOException e) {
            throw new SigningException(modelDir.resolve(FILE) + ": cannot write (" + e.getMessage() + ")");
        }
        return id;
    }

    static byte[] signatureJson(String id, PrivateKey key, byte[] modelJson) {
        try {
            Signature s = Signature.getInstance(SigningKeys.ALGORITHM);
            s.initSign(key);
            s.update(modelJson);
            ObjectNode o = JSON.createObjectNode().put("format", FORMAT).put("algorithm", SigningKeys.ALGORITHM)
                    .put("key_id", id).put("signature", Base64.getEncoder().encodeToString(s.sign()));
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(o);
        } catch (GeneralSecurityException | IOException e) {
            throw new SigningException("signing failed: " + e.getMessage());
        }
    }

    /** The parsed signature.json: key id and signature bytes; refused with the reason when malformed. */
    record Parsed(String keyId, byte[] signature) {
        static Parsed of(byte[] json) {
            JsonNode n;
            try {
                n = JSON.readTree(json);
            } catch (IOException e) {
                throw new SigningException("signature.json is not JSON");
            }
            if (n == null || !FORMAT.equals(n.path("format").asText()) || !SigningKeys.ALGORITHM.equals(n.path("algorithm").asText())) {
                throw new SigningException("signature.json: format must be " + FORMAT + " with algorithm " + SigningKeys.ALGORITHM);
            }
            String id = n.path("key_id").asText("");
            try {
                return new Parsed(id, Base64.getDecoder().decode(n.path("signature").asText("")));
            } catch (IllegalArgumentException e) {
                throw new SigningException("signature.json: signature is not base64");
            }
        }
    }
}
