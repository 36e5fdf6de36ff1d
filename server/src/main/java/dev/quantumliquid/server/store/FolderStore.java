package dev.quantumliquid.server.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A store in a local folder. Every file is written to a hidden temporary name and renamed into place;
 * a version is assembled in a hidden staging folder next to it ({@code model/.N.staging}, which the
 * model repository ignores) and renamed into {@code model/N} whole, so a server polling the folder
 * only ever sees complete versions. Names starting with '.' are not listed.
 */
public final class FolderStore implements Store {
    private final Path root;

    public FolderStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    @Override
    public String location() {
        return root.toString();
    }

    @Override
    public List<StoredObject> list(String prefix) {
        List<StoredObject> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    return !dir.equals(root) && dir.getFileName().toString().startsWith(".") ? FileVisitResult.SKIP_SUBTREE
                            : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes a) {
                    String key = key(file);
                    if (a.isRegularFile() && !file.getFileName().toString().startsWith(".") && key.startsWith(prefix)) {
                        out.add(new StoredObject(key, a.size(), a.size() + ":" + a.lastModifiedTime().toMillis()));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // removed while listing
                }
            });
        } catch (IOException e) {
            throw new StoreException(root + ": cannot list (" + e.getMessage() + ")", e);
        }
        out.sort(Comparator.comparing(StoredObject::key));
        return out;
    }

    private String key(Path file) {
        return root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
    }

    private Path path(String key) {
        Path p = root.resolve(key).normalize();
        if (!p.startsWith(root) || p.equals(root)) {
            throw new StoreException("key '" + key + "' leaves the store folder " + root);
        }
        return p;
    }

    @Override
    public Optional<byte[]> read(String key, long maxBytes) {
        Path p = path(key);
        try {
            long size = Files.size(p);
            if (size > maxBytes) {
                throw new StoreException(p + ": " + size + " bytes, more than the " + maxBytes + " allowed");
            }
            return Optional.of(Files.readAllBytes(p));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StoreException(p + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public void download(String key, Path target) {
        Path p = path(key);
        try {
            Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (NoSuchFileException e) {
            throw new StoreException(p + ": missing");
        } catch (IOException e) {
            throw new StoreException(p + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public void upload(Path source, String key, String sha256) {
        Path p = path(key);
        try {
            Files.createDirectories(p.getParent());
            Path tmp = Files.createTempFile(p.getParent(), "." + p.getFileName(), ".part");
            try {
                Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
                moveAtomically(tmp, p);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new StoreException(p + ": cannot write (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public void write(String key, byte[] content, String sha256) {
        Path p = path(key);
        try {
            Files.createDirectories(p.getParent());
            Path tmp = Files.createTempFile(p.getParent(), "." + p.getFileName(), ".part");
            try {
                Files.write(tmp, content);
                moveAtomically(tmp, p);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new StoreException(p + ": cannot write (" + e.getMessage() + ")", e);
        }
    }

    private static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Override
    public Optional<String> sha256(String key) {
        Path p = path(key);
        return Files.isRegularFile(p) ? Optional.of(Digests.sha256(p)) : Optional.empty();
    }

    @Override
    public void delete(String key) {
        Path p = path(key);
        try {
            Files.deleteIfExists(p);
            // Empty version and model folders go too, so a deleted version leaves nothing behind.
            Path dir = p.getParent();
            while (dir != null && !dir.equals(root) && isEmptyDir(dir)) {
                Files.deleteIfExists(dir);
                dir = dir.getParent();
            }
        } catch (IOException e) {
            throw new StoreException(p + ": cannot delete (" + e.getMessage() + ")", e);
        }
    }

    private static boolean isEmptyDir(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    @Override
    public void deleteVersion(String model, long version) {
        Path dir = path(model + "/" + version);
        if (!Files.isDirectory(dir)) {
            return;
        }
        Path gone = dir.resolveSibling("." + version + ".deleted-" + System.nanoTime());
        try {
            Files.move(dir, gone, StandardCopyOption.ATOMIC_MOVE);
            deleteTree(gone);
            if (isEmptyDir(dir.getParent())) {
                Files.deleteIfExists(dir.getParent());
            }
        } catch (IOException | UncheckedIOException e) {
            throw new StoreException(dir + ": cannot delete (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public VersionWriter writeVersion(String model, long version) {
        Path modelDir = path(model);
        return new StagedVersion(modelDir, modelDir.resolve(Long.toString(version)),
                modelDir.resolve("." + version + ".staging"));
    }

    /**
     * Writes a version's files straight into {@code dir} (each through a temporary name), model.json
     * last: a single version folder, as {@code qlnn pull --out DIR} makes.
     */
    public static VersionWriter folderWriter(Path dir) {
        FolderStore s = new FolderStore(dir);
        return new VersionWriter() {
            @Override
            public boolean has(String file, String sha256) {
                return s.sha256(file).filter(sha256::equals).isPresent();
            }

            @Override
            public void put(String file, Path local, String sha256) {
                s.upload(local, file, sha256);
            }

            @Override
            public void commit(byte[] modelJson, Optional<byte[]> signature) {
                if (signature.isPresent()) {
                    s.write("signature.json", signature.get(), Digests.sha256(signature.get()));
                } else {
                    s.delete("signature.json");
                }
                s.write("model.json", modelJson, Digests.sha256(modelJson));
            }
        };
    }

    /** A version assembled in a hidden folder and renamed into place whole. */
    private static final class StagedVersion implements VersionWriter {
        private final Path modelDir;
        private final Path target;
        private final Path staging;

        StagedVersion(Path modelDir, Path target, Path staging) {
            this.modelDir = modelDir;
            this.target = target;
            this.staging = staging;
            try {
                Files.createDirectories(staging);
            } catch (IOException e) {
                throw new StoreException(staging + ": cannot create (" + e.getMessage() + ")", e);
            }
        }

        @Override
        public boolean has(String file, String sha256) {
            Path staged = staging.resolve(file);
            if (Files.isRegularFile(staged) && Digests.sha256(staged).equals(sha256)) {
                return true;
            }
            Path current = target.resolve(file);
            if (Files.isRegularFile(current) && Digests.sha256(current).equals(sha256)) {
                try { // unchanged file of a version being replaced: copied locally, not transferred again
                    Files.copy(current, staged, StandardCopyOption.REPLACE_EXISTING);
                    return true;
                } catch (IOException e) {
                    return false;
                }
            }
            return false;
        }

        @Override
        public void put(String file, Path local, String sha256) {
            try {
                Files.copy(local, staging.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new StoreException(staging.resolve(file) + ": cannot write (" + e.getMessage() + ")", e);
            }
        }

        @Override
        public void commit(byte[] modelJson, Optional<byte[]> signature) {
            try {
                if (signature.isPresent()) {
                    Files.write(staging.resolve("signature.json"), signature.get());
                } else {
                    Files.deleteIfExists(staging.resolve("signature.json"));
                }
                Files.write(staging.resolve("model.json"), modelJson);
                if (Files.exists(target)) {
                    // Directories cannot replace each other atomically: the old one moves aside first, so
                    // for an instant the version is absent (never half-written), then it is deleted.
                    Path old = modelDir.resolve("." + target.getFileName() + ".old-" + System.nanoTime());
                    Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
                    Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                    deleteTree(old);
                } else {
                    Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                }
            } catch (IOException e) {
                throw new StoreException(target + ": cannot publish (" + e.getMessage() + ")", e);
            }
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        // nothing held open
    }
}
