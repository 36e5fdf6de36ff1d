package dev.quantumliquid.engine.model;

import dev.quantumliquid.engine.EngineException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The files of a version folder, read as untrusted: only regular files directly in the folder
 * (a symbolic link, FIFO, device or folder is refused without being opened), each within a size
 * limit and read once into memory. Errors name the file by its name in the folder.
 */
final class FolderFiles {
    private FolderFiles() {
    }

    /** Whether the folder has an entry of this name (a link counts, and is refused when read). */
    static boolean present(Path dir, String name) {
        return Files.exists(dir.resolve(name), LinkOption.NOFOLLOW_LINKS);
    }

    /** The size of a regular file in the folder; {@code hint} is added when it is missing. */
    static long size(Path dir, String name, String hint) {
        return regular(dir, name, hint).size();
    }

    /** The whole content of a regular file of at most {@code max} bytes; {@code hint} is added when it is missing. */
    static byte[] read(Path dir, String name, long max, String hint) {
        BasicFileAttributes a = regular(dir, name, hint);
        if (a.size() > max) {
            throw new EngineException(name + ": " + a.size() + " bytes, more than the limit of " + max);
        }
        byte[] out = new byte[(int) a.size()];
        try (SeekableByteChannel ch = Files.newByteChannel(dir.resolve(name), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer buf = ByteBuffer.wrap(out);
            while (buf.hasRemaining()) {
                if (ch.read(buf) < 0) {
                    throw new EngineException(name + ": shrank while being read (replace files by renaming, not in place)");
                }
            }
            if (ch.read(ByteBuffer.allocate(1)) > 0) {
                throw new EngineException(name + ": grew while being read (replace files by renaming, not in place)");
            }
        } catch (NoSuchFileException e) {
            throw new EngineException(name + ": not found" + hint);
        } catch (IOException e) {
            throw new EngineException(name + ": cannot read (" + e.getClass().getSimpleName() + ")", e);
        }
        return out;
    }

    private static BasicFileAttributes regular(Path dir, String name, String hint) {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(dir.resolve(name), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new EngineException(name + ": not found" + hint);
        } catch (IOException e) {
            throw new EngineException(name + ": cannot read its attributes (" + e.getClass().getSimpleName() + ")", e);
        }
        if (a.isSymbolicLink()) {
            throw new EngineException(name + ": is a symbolic link; model files must be regular files in the version folder");
        }
        if (!a.isRegularFile()) {
            throw new EngineException(name + ": is not a regular file (a FIFO, device or folder); model files must be "
                    + "regular files in the version folder");
        }
        return a;
    }
}
