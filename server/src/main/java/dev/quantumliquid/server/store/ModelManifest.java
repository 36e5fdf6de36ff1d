package dev.quantumliquid.server.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quantumliquid.engine.model.ModelFiles;
import dev.quantumliquid.server.repository.Names;
import java.io.IOException;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The files a version's model.json pins: file name to SHA-256 (its {@code checksums} object). A copy
 * moves exactly these files, each checked against its digest, then model.json itself.
 */
public record ModelManifest(Map<String, String> checksums) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Parses model.json's checksums; {@code where} names the version in the one-line error. */
    public static ModelManifest parse(byte[] modelJson, String where) {
        if (modelJson.length > ModelFiles.MAX_MODEL_JSON_BYTES) {
            throw new StoreException(where + ": model.json has " + modelJson.length + " bytes, more than "
                    + ModelFiles.MAX_MODEL_JSON_BYTES);
        }
        JsonNode root;
        try {
            root = JSON.readTree(modelJson);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new StoreException(where + ": model.json is not JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new StoreException(where + ": model.json cannot be read (" + e.getMessage() + ")");
        }
        JsonNode sums = root == null ? null : root.get("checksums");
        if (sums == null || !sums.isObject()) {
            throw new StoreException(where + ": model.json has no object 'checksums' (a SHA-256 for every file)");
        }
        TreeMap<String, String> out = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = sums.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            String file = e.getKey();
            String digest = e.getValue().asText("");
            if (!Names.isValidName(file) || file.equals(Listing.MODEL_JSON) || file.equals(Listing.SIGNATURE_JSON)) {
                throw new StoreException(where + ": model.json checksums name '" + file + "', not a file of the version folder");
            }
            if (!Digests.isSha256(digest)) {
                throw new StoreException(where + ": model.json checksum of '" + file + "' must be 64 lower-case hex digits");
            }
            out.put(file, digest);
        }
        return new ModelManifest(Collections.unmodifiableMap(out));
    }
}
