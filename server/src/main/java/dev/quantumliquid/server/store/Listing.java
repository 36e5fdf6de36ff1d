package dev.quantumliquid.server.store;

import dev.quantumliquid.server.repository.Names;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * A store's objects read as a model repository: {@code <model>/<version>/<file>} with valid names and
 * a positive integer version; other keys are ignored. A version is complete when its model.json is
 * there (model.json is always written last).
 */
public record Listing(Map<VersionRef, Map<String, StoredObject>> versions) {
    public static final String MODEL_JSON = "model.json";
    public static final String SIGNATURE_JSON = "signature.json";

    public static Listing of(List<StoredObject> objects) {
        TreeMap<VersionRef, Map<String, StoredObject>> v = new TreeMap<>();
        for (StoredObject o : objects) {
            String[] parts = o.key().split("/", -1);
            if (parts.length != 3 || !Names.isValidName(parts[0]) || !Names.isValidName(parts[2])) {
                continue;
            }
            OptionalLong version = Names.parseVersion(parts[1]);
            if (version.isPresent()) {
                v.computeIfAbsent(new VersionRef(parts[0], version.getAsLong()), k -> new TreeMap<>()).put(parts[2], o);
            }
        }
        v.replaceAll((k, files) -> Collections.unmodifiableMap(files));
        return new Listing(Collections.unmodifiableMap(v));
    }

    /** Versions that have a model.json, in order. */
    public List<VersionRef> complete() {
        return versions.entrySet().stream().filter(e -> e.getValue().containsKey(MODEL_JSON)).map(Map.Entry::getKey).toList();
    }

    public Map<String, StoredObject> files(VersionRef v) {
        return versions.getOrDefault(v, Map.of());
    }
}
