package dev.quantumliquid.server.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quantumliquid.server.repository.Names;
import dev.quantumliquid.server.store.Digests;
import dev.quantumliquid.server.store.StoreException;
import dev.quantumliquid.server.store.VersionRef;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One backup snapshot: the repository as it was at {@code time} (UTC), every version with every file
 * (model.json and signature.json included) by SHA-256. Stored as
 * {@code snapshots/<time>.json}; the contents are in {@code blobs/sha256/<digest>} of the same backup.
 */
public record Snapshot(Instant time, String source, Map<VersionRef, Map<String, String>> versions) {
    public static final String FORMAT = "qlnn-backup/1";
    static final String SNAPSHOTS = "snapshots/";
    static final String BLOBS = "blobs/sha256/";
    /** Key names sort in time order: fixed width, UTC. */
    private static final DateTimeFormatter KEY_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();

    static String key(Instant time) {
        return SNAPSHOTS + KEY_TIME.format(time) + ".json";
    }

    static String blob(String sha256) {
        return BLOBS + sha256;
    }

    public int files() {
        return versions.values().stream().mapToInt(Map::size).sum();
    }

    byte[] toJson() {
        ObjectNode root = JSON.createObjectNode().put("format", FORMAT).put("time", time.toString()).put("source", source);
        var vs = root.putArray("versions");
        for (Map.Entry<VersionRef, Map<String, String>> v : versions.entrySet()) {
            ObjectNode o = vs.addObject().put("model", v.getKey().model()).put("version", v.getKey().version());
            ObjectNode files = o.putObject("files");
            v.getValue().forEach(files::put);
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Snapshot parse(byte[] json, String where) {
        try {
            JsonNode root = JSON.readTree(json);
            if (root == null || !FORMAT.equals(root.path("format").asText())) {
                throw new StoreException(where + ": not a " + FORMAT + " snapshot");
            }
            TreeMap<VersionRef, Map<String, String>> versions = new TreeMap<>();
            for (JsonNode v : root.path("versions")) {
                String model = v.path("model").asText("");
                long version = v.path("version").asLong(0);
                if (!Names.isValidName(model) || version <= 0) {
                    throw new StoreException(where + ": bad model or version in the snapshot");
                }
                TreeMap<String, String> files = new TreeMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = v.path("files").fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> f = it.next();
                    if (!Names.isValidName(f.getKey()) || !Digests.isSha256(f.getValue().asText(""))) {
                        throw new StoreException(where + ": bad file entry '" + f.getKey() + "' in the snapshot");
                    }
                    files.put(f.getKey(), f.getValue().asText());
                }
                versions.put(new VersionRef(model, version), files);
            }
            return new Snapshot(Instant.parse(root.path("time").asText()), root.path("source").asText(""), versions);
        } catch (IOException | java.time.format.DateTimeParseException e) {
            throw new StoreException(where + ": unreadable snapshot (" + e.getMessage() + ")");
        }
    }

    /** Snapshot keys sorted oldest first. */
    static List<String> sortedKeys(List<String> keys) {
        List<String> out = new ArrayList<>(keys.stream().filter(k -> k.startsWith(SNAPSHOTS) && k.endsWith(".json")).toList());
        out.sort(null);
        return out;
    }
}
