package dev.quantumliquid.server.store;

import dev.quantumliquid.server.config.PropertySource;
import dev.quantumliquid.server.config.Setting;
import dev.quantumliquid.server.config.Settings;
import dev.quantumliquid.server.error.ServerException;
import dev.quantumliquid.server.error.ServerException.Kind;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where the served models come from: a folder, or a bucket copied into a local cache.
 *
 * @param repository QLNN_MODEL_REPOSITORY: a folder, or {@code s3://bucket/prefix}
 * @param cache QLNN_MODEL_CACHE: the local copy of a bucket
 * @param s3 QLNN_S3_ENDPOINT and QLNN_S3_PATH_STYLE
 */
public record StoreSettings(String repository, Path cache, S3Settings s3) {
    public static final Setting<String> REPOSITORY = Setting.named("QLNN_MODEL_REPOSITORY").defaultsTo("models")
            .flag("--model-repository")
            .doc("the model repository: a folder (must exist), `file:///folder`, or `s3://bucket/prefix` of any S3-compatible "
                    + "store (docs/DEPLOYMENT.md, \"Model repositories in object storage\")")
            .parsedBy("a folder, file:///folder or s3://bucket/prefix", StoreSettings::location, s -> s);
    public static final Setting<Path> CACHE = Setting.named("QLNN_MODEL_CACHE")
            .defaultsTo("(temp folder)/qlnn-model-cache",
                    () -> Path.of(System.getProperty("java.io.tmpdir"), "qlnn-model-cache").toString())
            .doc("local copy of an `s3://` repository (complete, checksum-verified versions only); it keeps serving while the "
                    + "bucket is unreachable").path();

    public static final List<Setting<?>> SETTINGS = Settings.concat(List.of(REPOSITORY, CACHE), S3Settings.SETTINGS);

    public static StoreSettings load(PropertySource source) {
        return new StoreSettings(REPOSITORY.read(source), CACHE.read(source), S3Settings.load(source));
    }

    /** The bucket, when the repository is one. */
    public Optional<String> bucket() {
        return Stores.isBucket(repository) ? Optional.of(repository) : Optional.empty();
    }

    /** The folder the repository serves: the repository itself, or the cache's copy of the bucket. */
    public Path servedFolder() {
        return bucket().isPresent() ? cache.resolve("models") : Path.of(repository);
    }

    /** A bucket as given, or the folder a path or file:// URI names. */
    private static String location(String text) {
        if (Stores.isBucket(text)) {
            return text;
        }
        try {
            return Stores.folder(REPOSITORY.name(), text).toString();
        } catch (StoreException e) {
            throw new ServerException(Kind.CONFIG, e.getMessage());
        }
    }
}
