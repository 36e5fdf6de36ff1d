package dev.quantumliquid.server.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A store under a prefix of an S3-compatible bucket ({@code s3://bucket/prefix}). Objects written
 * here carry their SHA-256 as user metadata ({@code x-amz-meta-sha256}), so a later copy can tell an
 * unchanged object with one HEAD and never downloads it again. A version's files are uploaded first
 * and model.json last: a reader that takes model.json as the mark of a complete version never sees a
 * half-uploaded one.
 */
public final class S3Store implements Store {
    private static final String DIGEST_META = "sha256";

    private final S3Client s3;
    private final String bucket;
    private final String prefix; // "" or ending in '/'

    S3Store(S3Client s3, String bucket, String prefix) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
    }

    /** A client for {@code settings}: region and credentials from the SDK's default chains. */
    static S3Client client(S3Settings settings) {
        S3ClientBuilder b = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.builder().build())
                .forcePathStyle(settings.pathStyle())
                // Checksums only where S3 requires them: many S3-compatible stores reject the newer defaults.
                .requestChecksumCalculation(software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(software.amazon.awssdk.core.checksums.ResponseChecksumValidation.WHEN_REQUIRED);
        settings.endpoint().ifPresent(b::endpointOverride);
        Optional<Region> region = configuredRegion();
        if (region.isPresent()) {
            b.region(region.get());
        } else {
            // No region configured: S3-compatible stores ignore it; on AWS the SDK follows the bucket's region.
            b.region(Region.US_EAST_1).crossRegionAccessEnabled(true);
        }
        return b.build();
    }

    private static Optional<Region> configuredRegion() {
        try {
            return Optional.of(DefaultAwsRegionProviderChain.builder().build().getRegion());
        } catch (SdkException e) {
            return Optional.empty();
        }
    }

    @Override
    public String location() {
        return "s3://" + bucket + "/" + prefix;
    }

    @Override
    public List<StoredObject> list(String keyPrefix) {
        List<StoredObject> out = new ArrayList<>();
        try {
            ListObjectsV2Request req = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix + keyPrefix).build();
            for (ListObjectsV2Response page : s3.listObjectsV2Paginator(req)) {
                for (S3Object o : page.contents()) {
                    if (o.key().length() > prefix.length()) {
                        out.add(new StoredObject(o.key().substring(prefix.length()), o.size(), o.eTag()));
                    }
                }
            }
        } catch (SdkException e) {
            throw failure("cannot list", e);
        }
        out.sort(Comparator.comparing(StoredObject::key));
        return out;
    }

    @Override
    public Optional<byte[]> read(String key, long maxBytes) {
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(r -> r.bucket(bucket).key(prefix + key))) {
            Long size = in.response().contentLength();
            if (size != null && size > maxBytes) {
                in.abort();
                throw new StoreException(location() + key + ": " + size + " bytes, more than the " + maxBytes + " allowed");
            }
            return Optional.of(in.readNBytes((int) Math.min(maxBytes, Integer.MAX_VALUE - 8)));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw failure("cannot read " + key, e);
        } catch (IOException e) {
            throw new StoreException(location() + key + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public void download(String key, Path target) {
        try (InputStream in = s3.getObject(r -> r.bucket(bucket).key(prefix + key))) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (NoSuchKeyException e) {
            throw new StoreException(location() + key + ": missing");
        } catch (SdkException e) {
            throw failure("cannot read " + key, e);
        } catch (IOException e) {
            throw new StoreException(location() + key + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public void upload(Path source, String key, String sha256) {
        try {
            s3.putObject(r -> r.bucket(bucket).key(prefix + key).metadata(Map.of(DIGEST_META, sha256)),
                    RequestBody.fromFile(source));
        } catch (SdkException e) {
            throw failure("cannot write " + key, e);
        }
    }

    @Override
    public void write(String key, byte[] content, String sha256) {
        try {
            s3.putObject(r -> r.bucket(bucket).key(prefix + key).metadata(Map.of(DIGEST_META, sha256)),
                    RequestBody.fromBytes(content));
        } catch (SdkException e) {
            throw failure("cannot write " + key, e);
        }
    }

    @Override
    public Optional<String> sha256(String key) {
        try {
            HeadObjectResponse h = s3.headObject(r -> r.bucket(bucket).key(prefix + key));
            return Optional.ofNullable(h.metadata().get(DIGEST_META)).filter(Digests::isSha256);
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw failure("cannot read " + key, e);
        } catch (SdkException e) {
            throw failure("cannot read " + key, e);
        }
    }

    @Override
    public void delete(String key) {
        try {
            s3.deleteObject(r -> r.bucket(bucket).key(prefix + key));
        } catch (SdkException e) {
            throw failure("cannot delete " + key, e);
        }
    }

    @Override
    public void deleteVersion(String model, long version) {
        String dir = model + "/" + version + "/";
        delete(dir + "model.json");
        for (StoredObject o : list(dir)) {
            delete(o.key());
        }
    }

    @Override
    public VersionWriter writeVersion(String model, long version) {
        String dir = model + "/" + version + "/";
        return new VersionWriter() {
            @Override
            public boolean has(String file, String sha256) {
                return sha256(dir + file).filter(sha256::equals).isPresent();
            }

            @Override
            public void put(String file, Path local, String sha256) {
                upload(local, dir + file, sha256);
            }

            @Override
            public void commit(byte[] modelJson, Optional<byte[]> signature) {
                if (signature.isPresent()) {
                    write(dir + "signature.json", signature.get(), Digests.sha256(signature.get()));
                } else {
                    delete(dir + "signature.json");
                }
                write(dir + "model.json", modelJson, Digests.sha256(modelJson));
            }
        };
    }

    private StoreException failure(String what, SdkException e) {
        String why = e instanceof S3Exception s && s.awsErrorDetails() != null && s.awsErrorDetails().errorCode() != null
                ? s.awsErrorDetails().errorCode() + " (HTTP " + s.statusCode() + ")"
                : String.valueOf(e.getMessage());
        int nl = why.indexOf('\n');
        return new StoreException(location() + ": " + what + ": " + (nl < 0 ? why : why.substring(0, nl)), e);
    }

    @Override
    public void close() {
        s3.close();
    }
}
