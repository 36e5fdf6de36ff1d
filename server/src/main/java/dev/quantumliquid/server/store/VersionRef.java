package dev.quantumliquid.server.store;

/** One version of one model in a repository: {@code model/version/}. */
public record VersionRef(String model, long version) implements Comparable<VersionRef> {
    /** The key prefix of the version's files. */
    public String dir() {
        return model + "/" + version + "/";
    }

    @Override
    public int compareTo(VersionRef o) {
        int c = model.compareTo(o.model);
        return c != 0 ? c : Long.compare(version, o.version);
    }

    @Override
    public String toString() {
        return model + " version " + version;
    }
}
